package cmd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/iostreams"
	"mqtt/internal/manpage"
)

// manDir is where the committed pages live, seen from this package.
const manDir = "../man"

const regenerate = "run `go generate ./cmd` (or `go run . man man`) and commit man/"

func generatedPages(t *testing.T) map[string]string {
	t.Helper()
	streams, _, _ := iostreams.Test("")
	pages, err := manPages(newApp(streams))
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// The committed pages are what the flags and the hand-written text make now.
func TestManPagesAreCurrent(t *testing.T) {
	pages := generatedPages(t)
	for name, want := range pages {
		got, err := os.ReadFile(filepath.Join(manDir, name))
		if err != nil {
			t.Errorf("man/%s is missing: %s", name, regenerate)
			continue
		}
		if string(got) != want {
			t.Errorf("man/%s is out of date: %s\n%s", name, regenerate, firstDifference(string(got), want))
		}
	}
	committed, _ := filepath.Glob(filepath.Join(manDir, "*.[1-9]"))
	for _, path := range committed {
		if _, ok := pages[filepath.Base(path)]; !ok {
			t.Errorf("man/%s documents no command of mqtt: delete it", filepath.Base(path))
		}
	}
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "first difference at line " + strconv.Itoa(i+1) + ":\n  committed: " + gl + "\n  generated: " + wl
		}
	}
	return ""
}

// Every hand-written body belongs to a page that is generated, and says where its options go: a body
// left behind by a renamed command, or one without the marker, would silently drop from the manual.
func TestManBodies(t *testing.T) {
	pages := generatedPages(t)
	for _, name := range manpage.Bodies() {
		if _, ok := pages[name]; !ok {
			t.Errorf("internal/manpage/text/%s is the body of no page: mqtt has no such command", name)
			continue
		}
		body := manpage.Body(strings.TrimSuffix(name, ".1"), "1")
		if !strings.Contains(body, manpage.MarkOptions+"\n") {
			t.Errorf("internal/manpage/text/%s has no line %q where the options go", name, manpage.MarkOptions)
		}
	}
}

// Each page lists every visible flag of its command, under every name.
func TestManPagesListEveryFlag(t *testing.T) {
	pages := generatedPages(t)
	streams, _, _ := iostreams.Test("")
	app := newApp(streams)
	for _, c := range app.VisibleCommands() {
		page := pages["mqtt-"+c.Name+".1"]
		for _, f := range c.VisibleFlags() {
			for _, n := range f.Names() {
				dash := `\-\-`
				if len(n) == 1 {
					dash = `\-`
				}
				want := `\fB` + dash + strings.ReplaceAll(n, "-", `\-`) + `\fR`
				if !strings.Contains(page, want) {
					t.Errorf("mqtt-%s.1 does not list %s", c.Name, want)
				}
			}
		}
	}
	if _, ok := pages["mqtt-man.1"]; ok {
		t.Error("the hidden man command got a page")
	}
}

// mqtt.1 lists every MQTT_* variable.
func TestManPageListsEveryVariable(t *testing.T) {
	page := generatedPages(t)["mqtt.1"]
	for _, f := range settingFlags() {
		if v := envName(settingKey(f)); !strings.Contains(page, `\fB`+v+`\fR`) {
			t.Errorf("mqtt.1 does not list %s", v)
		}
	}
}

// The pages need no input encoding: anything beyond ASCII is written as an escape.
func TestManPagesAreASCII(t *testing.T) {
	for name, page := range generatedPages(t) {
		for i, line := range strings.Split(page, "\n") {
			for _, r := range line {
				if r > 0x7e || r < ' ' && r != '\t' {
					t.Errorf("%s:%d: %q is not printable ASCII; write it as a roff escape", name, i+1, r)
				}
			}
		}
	}
}

// `mqtt man DIR` writes the pages the test compares with.
func TestManCommandWritesPages(t *testing.T) {
	dir := t.TempDir()
	streams, _, errOut := iostreams.Test("")
	if code := RunWith(context.Background(), []string{"mqtt", "man", dir}, streams); code != 0 {
		t.Fatalf("mqtt man: exit %d, %s", code, errOut)
	}
	pages := generatedPages(t)
	for name, want := range pages {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("mqtt man did not write %s as generated (%v)", name, err)
		}
	}
	written, _ := os.ReadDir(dir)
	if len(written) != len(pages) {
		t.Errorf("mqtt man wrote %d files, want %d", len(written), len(pages))
	}

	streams, _, errOut = iostreams.Test("")
	if code := RunWith(context.Background(), []string{"mqtt", "man"}, streams); code != 1 ||
		!strings.Contains(errOut.String(), "mqtt man DIR") {
		t.Errorf("mqtt man without a directory: exit %d, stderr %q", code, errOut)
	}
}

// requireTool finds a program the test needs: CI must have it (Debian package pkg), elsewhere its absence
// skips the test.
func requireTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (Debian package %s)", name, pkg)
	}
	t.Skipf("%s is not installed (Debian package %s)", name, pkg)
	return ""
}

// groff formats every committed page with all warnings on; any warning fails.
func TestManPagesFormatWithoutWarnings(t *testing.T) {
	groff := requireTool(t, "groff", "groff-base")
	for _, page := range committedPages(t) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(groff, "-ww", "-man", "-Tutf8", page)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("groff -ww -man -Tutf8 %s: %v\n%s", page, err, stderr.String())
		}
		if stdout.Len() == 0 {
			t.Errorf("groff printed nothing for %s", page)
		}
	}
}

// man renders each page as a reader gets it, with groff's warnings on, and lexgrog reads its NAME line,
// which whatis(1) and apropos(1) index.
func TestManPagesRenderWithMan(t *testing.T) {
	man := requireTool(t, "man", "man-db")
	lexgrog := requireTool(t, "lexgrog", "man-db")
	for _, page := range committedPages(t) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(man, "--warnings=w", "-l", page)
		// man-db's seccomp sandbox fails in some containers; the page is our own file, so do without it.
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8", "MAN_DISABLE_SECCOMP=1")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("man -l %s: %v\n%s", page, err, stderr.String())
		}
		name := strings.TrimSuffix(filepath.Base(page), ".1")
		if !strings.Contains(stdout.String(), "NAME\n       "+name+" - ") {
			t.Errorf("man -l %s: no NAME line for %s in\n%s", page, name, head(stdout.String()))
		}

		out, err := exec.Command(lexgrog, page).CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"`+name+` - `) {
			t.Errorf("lexgrog %s: %v\n%s", page, err, out)
		}
	}
}

func committedPages(t *testing.T) []string {
	t.Helper()
	pages, _ := filepath.Glob(filepath.Join(manDir, "*.1"))
	if len(pages) == 0 {
		t.Fatalf("no pages in man/: %s", regenerate)
	}
	slices.Sort(pages)
	return pages
}

func head(s string) string {
	lines := strings.SplitN(s, "\n", 12)
	return strings.Join(lines[:min(len(lines), 11)], "\n")
}
