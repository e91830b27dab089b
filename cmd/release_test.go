package cmd

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// releaseConfig is the part of .goreleaser.yml that the release depends on, as goreleaser v2 spells it.
type releaseConfig struct {
	Version int
	Before  struct{ Hooks []string }
	Builds  []struct {
		Main    string
		Env     []string
		Goos    []string
		Goarch  []string
		Flags   []string
		Ldflags []string
	}
	Archives []struct {
		Formats         []string
		FormatOverrides []struct {
			Goos    string
			Formats []string
		} `yaml:"format_overrides"`
		Files []string
	}
	Nfpms []struct {
		Formats  []string
		Contents []struct{ Src, Dst, Packager string }
	}
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	}
}

func loadReleaseConfig(t *testing.T) *releaseConfig {
	t.Helper()
	data, err := os.ReadFile("../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c releaseConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf(".goreleaser.yml: %v", err)
	}
	if c.Version != 2 {
		t.Fatalf(".goreleaser.yml: version %d, want 2 (goreleaser v2)", c.Version)
	}
	if len(c.Builds) != 1 || len(c.Archives) != 1 || len(c.Nfpms) != 1 {
		t.Fatalf(".goreleaser.yml: %d builds, %d archives, %d nfpms; the tests expect one of each",
			len(c.Builds), len(c.Archives), len(c.Nfpms))
	}
	return &c
}

func TestReleaseBuilds(t *testing.T) {
	b := loadReleaseConfig(t).Builds[0]
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("builds: env %v lacks CGO_ENABLED=0: the binaries must be static", b.Env)
	}
	if want := []string{"linux", "darwin", "windows", "freebsd"}; !sameSet(b.Goos, want) {
		t.Errorf("builds: goos %v, want %v", b.Goos, want)
	}
	if want := []string{"amd64", "arm64"}; !sameSet(b.Goarch, want) {
		t.Errorf("builds: goarch %v, want %v", b.Goarch, want)
	}
}

// The release leaves out urfave/cli's docs.go (its markdown and man page writers): it links blackfriday,
// whose package initialisation every run of mqtt would pay before main (0.3 ms and 214 KB for a
// one-message `mqtt pub`). mqtt's man pages come from internal/manpage.
func TestReleaseLeavesOutCliDocs(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the build's packages with")
	}
	b := loadReleaseConfig(t).Builds[0]
	args := []string{"list", "-deps"}
	for _, f := range b.Flags {
		if strings.HasPrefix(f, "-tags") {
			args = append(args, f)
		}
	}
	list := exec.Command(goTool, append(args, "../"+strings.TrimPrefix(b.Main, "./"))...)
	list.Env = append(os.Environ(), b.Env...)
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/russross/blackfriday") || strings.HasPrefix(pkg, "github.com/cpuguy83/go-md2man") {
			t.Errorf("built with the release's flags %v, mqtt links %s: add -tags=urfave_cli_no_docs", b.Flags, pkg)
		}
	}
}

// The release's -ldflags, with goreleaser's templates filled in, make `mqtt --version` print what the
// release is.
func TestReleaseLdflagsSetVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build with")
	}
	b := loadReleaseConfig(t).Builds[0]
	values := map[string]string{"Version": "1.2.3", "Commit": "0123abcd", "CommitDate": "2025-01-02T03:04:05Z"}
	var unknown []string
	ldflags := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`).ReplaceAllStringFunc(strings.Join(b.Ldflags, " "), func(m string) string {
		key := regexp.MustCompile(`\w+`).FindString(m)
		v, ok := values[key]
		if !ok {
			unknown = append(unknown, m)
		}
		return v
	})
	if len(unknown) > 0 {
		t.Fatalf("builds: ldflags use %v; teach this test their values", unknown)
	}
	bin := filepath.Join(t.TempDir(), "mqtt")
	build := exec.Command(goTool, "build", "-o", bin, "-ldflags", ldflags, "../"+strings.TrimPrefix(b.Main, "./"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags %q: %v\n%s", ldflags, err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("mqtt --version: %v", err)
	}
	if want := "mqtt version 1.2.3 (commit 0123abcd, built 2025-01-02T03:04:05Z)\n"; string(out) != want {
		t.Errorf("built with the release's ldflags, mqtt --version printed %q, want %q", out, want)
	}
}

func TestReleaseArchives(t *testing.T) {
	a := loadReleaseConfig(t).Archives[0]
	for _, want := range []string{"README.md", "LICENSE", "completions/*", "man/*.1"} {
		if !slices.Contains(a.Files, want) {
			t.Errorf("archives: files %v lack %s", a.Files, want)
		}
	}
	zip := false
	for _, o := range a.FormatOverrides {
		zip = zip || o.Goos == "windows" && slices.Equal(o.Formats, []string{"zip"})
	}
	if !zip {
		t.Error("archives: windows does not get a zip")
	}
	if loadReleaseConfig(t).Checksum.NameTemplate == "" {
		t.Error("checksum: no name_template")
	}
}

// The packages put the man pages and completions where man and the shells look.
func TestReleasePackages(t *testing.T) {
	n := loadReleaseConfig(t).Nfpms[0]
	if !sameSet(n.Formats, []string{"deb", "rpm", "apk"}) {
		t.Errorf("nfpms: formats %v, want deb, rpm and apk", n.Formats)
	}
	installs := map[string]string{} // dst -> src, for every packager or deb
	for _, c := range n.Contents {
		if c.Packager == "" || c.Packager == "deb" {
			installs[c.Dst] = c.Src
		}
	}
	for dst, src := range map[string]string{
		"/usr/share/man/man1/":                           "build/man/*.1.gz",
		"/usr/share/bash-completion/completions/mqtt":    "completions/mqtt.bash",
		"/usr/share/zsh/vendor-completions/_mqtt":        "completions/_mqtt",
		"/usr/share/fish/vendor_completions.d/mqtt.fish": "completions/mqtt.fish",
	} {
		if installs[dst] != src {
			t.Errorf("nfpms: %s comes from %q, want %s", dst, installs[dst], src)
		}
	}
}

// The before hook gzips every committed man page into build/man, where the packages take them from.
func TestReleaseHookGzipsManPages(t *testing.T) {
	sh := requireTool(t, "sh", "dash")
	requireTool(t, "gzip", "gzip")
	hooks := loadReleaseConfig(t).Before.Hooks
	var script string
	for _, h := range hooks {
		if s, ok := strings.CutPrefix(h, "sh -c '"); ok && strings.Contains(s, "build/man") {
			script = strings.TrimSuffix(s, "'")
		}
	}
	if script == "" {
		t.Fatalf("before: no hook `sh -c '...'` makes build/man in %q", hooks)
	}
	dir := t.TempDir()
	pages := committedPages(t)
	if err := os.Mkdir(filepath.Join(dir, "man"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		data, _ := os.ReadFile(p)
		if err := os.WriteFile(filepath.Join(dir, "man", filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(sh, "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook: %v\n%s", err, out)
	}
	for _, p := range pages {
		f, err := os.Open(filepath.Join(dir, "build/man", filepath.Base(p)+".gz"))
		if err != nil {
			t.Errorf("hook: %v", err)
			continue
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("hook: %s: %v", f.Name(), err)
		}
		got, _ := io.ReadAll(zr)
		f.Close()
		want, _ := os.ReadFile(p)
		if !bytes.Equal(got, want) {
			t.Errorf("hook: %s does not unzip to %s", f.Name(), p)
		}
	}
}

// Every file the release packs is there. LICENSE and completions/ come from elsewhere: while they are
// missing, the test says so and skips, as a release would fail on them.
func TestReleaseFilesExist(t *testing.T) {
	c := loadReleaseConfig(t)
	sources := slices.Clone(c.Archives[0].Files)
	for _, x := range c.Nfpms[0].Contents {
		if !strings.HasPrefix(x.Src, "build/") { // made by the before hook
			sources = append(sources, x.Src)
		}
	}
	slices.Sort(sources)
	for _, src := range slices.Compact(sources) {
		matches, _ := filepath.Glob(filepath.Join("..", src))
		if len(matches) > 0 {
			continue
		}
		switch {
		case src == "LICENSE":
			t.Run(src, func(t *testing.T) {
				t.Skip("no LICENSE: the project has not chosen a license; a release fails without it")
			})
		case strings.HasPrefix(src, "completions/"):
			t.Run(src, func(t *testing.T) { t.Skipf("%s is not generated yet; a release fails without it", src) })
		default:
			t.Errorf("the release packs %s, which matches no file", src)
		}
	}
}

// goreleaser itself validates the configuration when it is installed (CI may install it with
// `go install github.com/goreleaser/goreleaser/v2@v2.16.0`; later versions need a newer Go).
func TestGoreleaserCheck(t *testing.T) {
	goreleaser, err := exec.LookPath("goreleaser")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("goreleaser is not installed; CI must check the release configuration (see .ci/run)")
		}
		t.Skip("goreleaser is not installed")
	}
	cmd := exec.Command(goreleaser, "check")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("goreleaser check: %v\n%s", err, out)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
