package cmd

import (
	"context"
	"regexp"
	"runtime/debug"
	"testing"

	"mqtt/internal/iostreams"
)

func TestFormatVersion(t *testing.T) {
	stamped := &debug.BuildInfo{Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2025-01-02T03:04:05Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	cases := []struct {
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		// a release: what -ldflags set wins over the toolchain's stamp
		{"v1.2.3", "89abcdef", "2025-06-07T08:09:10Z", stamped, "v1.2.3 (commit 89abcdef, built 2025-06-07T08:09:10Z)"},
		// go build in a checkout with changes
		{"dev", "", "", stamped, "dev (commit 0123abcd-dirty, built 2025-01-02T03:04:05Z)"},
		// go test, go run, -buildvcs=false
		{"dev", "", "", &debug.BuildInfo{}, "dev (commit unknown, built unknown)"},
		{"dev", "", "", nil, "dev (commit unknown, built unknown)"},
	}
	for _, c := range cases {
		if got := formatVersion(c.version, c.commit, c.date, c.info); got != c.want {
			t.Errorf("formatVersion(%q, %q, %q) = %q, want %q", c.version, c.commit, c.date, got, c.want)
		}
	}
}

var versionLine = regexp.MustCompile(`^mqtt version \S+ \(commit \S+, built \S+\)\n$`)

func TestVersionFlag(t *testing.T) {
	streams, out, errOut := iostreams.Test("")
	if code := RunWith(context.Background(), []string{"mqtt", "--version"}, streams); code != 0 {
		t.Fatalf("mqtt --version: exit %d, %s", code, errOut)
	}
	if !versionLine.MatchString(out.String()) {
		t.Errorf("mqtt --version printed %q, want version, commit and date", out)
	}
}
