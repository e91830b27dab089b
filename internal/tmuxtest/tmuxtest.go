// Package tmuxtest runs a program in a real terminal for end-to-end tests: a tmux server of the test's own
// (its socket in the test's temporary directory), keys sent with send-keys and the screen read with
// capture-pane. Only tests import it.
package tmuxtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Wait bounds every wait for a screen: long enough for a loaded CI machine, short enough that a broken
// program fails the test rather than hanging it.
const Wait = 20 * time.Second

// Terminal is one tmux window running one program.
type Terminal struct {
	t      testing.TB
	sock   string
	status string // the file where the program's exit status is written
}

// Start runs argv (with env added to the test's environment) in a new detached tmux session of width by
// height cells. Without tmux the test is skipped, or fails under CI=true. (tmux 3.3 blanks the screen of a
// program that has exited: one whose last screen matters waits for a key.)
func Start(t testing.TB, width, height int, env []string, argv ...string) *Terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
	// A short directory: a unix socket path has a limit of about 100 bytes.
	dir, err := os.MkdirTemp("", "tmux")
	if err != nil {
		t.Fatal(err)
	}
	term := &Terminal{t: t, sock: filepath.Join(dir, "s"), status: filepath.Join(dir, "status")}
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-S", term.sock, "kill-server").Run()
		_ = os.RemoveAll(dir)
	})
	// tmux does not always know a dead pane's exit status (3.3a): a shell around the program writes it.
	cmd := append([]string{"env"}, env...)
	cmd = append(cmd, "sh", "-c", `"$@"; echo $? >"$0"`, term.status)
	cmd = append(cmd, argv...)
	quoted := make([]string, len(cmd))
	for i, a := range cmd {
		quoted[i] = shellQuote(a)
	}
	// -f /dev/null: no user configuration.
	term.run("-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), strings.Join(quoted, " "))
	return term
}

func (term *Terminal) run(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", term.sock}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Keys sends keys as tmux's send-keys names them ("q", "Enter", "Down", "C-c"); literal text goes with -l.
func (term *Terminal) Keys(keys ...string) {
	term.t.Helper()
	term.run(append([]string{"send-keys", "-t", "0"}, keys...)...)
}

// Type sends text literally.
func (term *Terminal) Type(text string) {
	term.t.Helper()
	term.run("send-keys", "-t", "0", "-l", text)
}

// Resize makes the window width by height.
func (term *Terminal) Resize(width, height int) {
	term.t.Helper()
	term.run("resize-window", "-t", "0", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height))
}

// Screen is what the window shows, one line per row, trailing blanks cut.
func (term *Terminal) Screen() string {
	term.t.Helper()
	return term.run("capture-pane", "-p", "-t", "0")
}

// ScreenEscapes is the screen with its attributes and colours as escape sequences (capture-pane -e).
func (term *Terminal) ScreenEscapes() string {
	term.t.Helper()
	return term.run("capture-pane", "-p", "-e", "-t", "0")
}

// WaitFor polls the screen until ok accepts it, and returns it; after Wait it fails the test with the last
// screen seen.
func (term *Terminal) WaitFor(what string, ok func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(Wait)
	for {
		s := term.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("no screen with %s after %v; the last:\n%s", what, Wait, s)
		}
		time.Sleep(20 * time.Millisecond) // a poll interval, not a wait for the program
	}
}

// WaitText waits for a screen that contains every one of texts.
func (term *Terminal) WaitText(texts ...string) string {
	term.t.Helper()
	return term.WaitFor(strings.Join(texts, ", "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// WaitExit waits for the program to exit and returns its status.
func (term *Terminal) WaitExit() int {
	term.t.Helper()
	deadline := time.Now().Add(Wait)
	for {
		if b, err := os.ReadFile(term.status); err == nil && strings.HasSuffix(string(b), "\n") {
			status, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				term.t.Fatalf("exit status %q", b)
			}
			return status
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the program did not exit in %v; its screen:\n%s", Wait, term.Screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
