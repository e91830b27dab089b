package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ownInitBudget bounds what each of mqtt's own packages allocates before main. Every run pays for every
// package's initialisation, whichever command it runs, so a big table that only some commands use belongs
// in a sync.OnceValue: `mqtt pub -m 21.5` from cron should not build mosquitto mode's option index (it
// took 12 KB of mosqargs' init) or the completion generator's regexps. The largest today take 6 KB.
const ownInitBudget = 8 << 10

var initLine = regexp.MustCompile(`(?m)^init (mqtt(?:/\S+)?) @\S+ ms, \S+ ms clock, (\d+) bytes, \d+ allocs$`)

func TestOwnPackagesAllocateLittleAtInit(t *testing.T) {
	dir, err := linkedBinary()
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command(filepath.Join(dir, "mqtt"), "--version")
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("mqtt --version: %v\n%s", err, out)
	}
	lines := initLine.FindAllStringSubmatch(string(out), -1)
	if len(lines) == 0 {
		t.Fatalf("GODEBUG=inittrace=1 printed no init lines for mqtt's packages:\n%s", out)
	}
	for _, l := range lines {
		n, _ := strconv.Atoi(l[2])
		t.Logf("%s: %d bytes", l[1], n)
		if n > ownInitBudget {
			t.Errorf("%s allocates %d bytes before main, over the budget of %d: build tables that only "+
				"some commands use on first use (sync.OnceValue)", l[1], n, ownInitBudget)
		}
	}
}

// Every package linked into mqtt runs its initialisation on every start, whichever command runs, so a
// library that only one command needs must not pull in one whose init is dear. Measured by exiting at
// the top of main: the codecs (protobuf's compiler above all) +1.9 ms and +2.8 MiB, client_golang's
// prometheus package (a default registry with the Go and process collectors, and the protobuf runtime)
// +1.4 ms and +2.5 MiB, against 2.7 ms and 8.2 MiB for the rest. bench/metrics writes its page with
// expfmt and client_model instead: 0.1 million instructions at init over the protobuf runtime; and
// runtime/metrics builds a table of descriptions at init (0.1 ms).
func TestStartupLeavesOutDearInits(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no go command to list packages with")
		}
		t.Skip("no go command to list packages with")
	}
	for _, c := range []struct {
		pkg, why string
		not      []string
	}{
		{"./internal/jq", "filters take the decoded payload as jq.Payload", []string{"mqtt/internal/codec"}},
		{"./internal/bench/metrics", "the page is written by expfmt from client_model's types",
			[]string{"github.com/prometheus/client_golang/prometheus", "runtime/metrics"}},
		{".", "only bench/metrics served Prometheus", []string{"github.com/prometheus/client_golang/prometheus"}},
	} {
		out, err := exec.Command(goTool, "list", "-deps", c.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, p := range c.not {
			if slices.Contains(deps, p) {
				t.Errorf("%s links %s, whose initialisation every start of mqtt would pay (%s)", c.pkg, p, c.why)
			}
		}
	}
}
