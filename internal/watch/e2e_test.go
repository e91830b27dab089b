package watch

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/tmuxtest"
)

// The end-to-end tests run this test binary in tmux as a small `mqtt watch`: helperDir names a directory
// with a fifo "feed", whose lines "topic<TAB>payload<TAB>qos<TAB>retain" are the messages, and a file
// "log" where the helper says what it did: "added N" after each message, "clear TOPIC" when the view asks
// for a retained message to be cleared, "exit ERR" at the end.
const helperDir = "WATCH_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperDir); dir != "" {
		os.Exit(helper(dir))
	}
	os.Exit(m.Run())
}

func helper(dir string) int {
	logf, err := os.OpenFile(filepath.Join(dir, "log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 2
	}
	say := func(format string, a ...any) { fmt.Fprintf(logf, format+"\n", a...) }
	store := NewStore(StoreOptions{})
	go func() {
		feed, err := os.Open(filepath.Join(dir, "feed"))
		if err != nil {
			say("feed: %v", err)
			return
		}
		sc := bufio.NewScanner(feed)
		for sc.Scan() {
			f := strings.Split(sc.Text(), "\t")
			if len(f) != 4 {
				say("bad line %q", sc.Text())
				continue
			}
			qos, _ := strconv.Atoi(f[2])
			store.Add(&message.Message{Topic: f[0], Payload: []byte(f[1]), QoS: byte(qos), Retain: f[3] == "1"})
			say("added %d", store.Total())
		}
	}()
	o := Options{
		Title: "test-broker:1883",
		Color: os.Getenv("NO_COLOR") == "",
		ClearRetained: func(_ context.Context, topic string) error {
			say("clear %s", topic)
			return nil
		},
	}
	err = Run(context.Background(), store, o, os.Stdin, os.Stdout)
	say("exit %v", err)
	if err != nil {
		return 1
	}
	return 0
}

// watchTerm is the helper running in tmux.
type watchTerm struct {
	*tmuxtest.Terminal
	t     *testing.T
	dir   string
	feed  *os.File
	added int
}

func startWatch(t *testing.T, w, h int, env ...string) *watchTerm {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "feed"), 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	term := tmuxtest.Start(t, w, h, append(env, helperDir+"="+dir), exe)
	// Opening a fifo for writing waits for the reader: the helper has started.
	feed, err := os.OpenFile(filepath.Join(dir, "feed"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { feed.Close() })
	return &watchTerm{Terminal: term, t: t, dir: dir, feed: feed}
}

// pub feeds messages and waits until the helper has counted them all.
func (w *watchTerm) pub(lines ...string) {
	w.t.Helper()
	for _, l := range lines {
		if _, err := w.feed.WriteString(l + "\n"); err != nil {
			w.t.Fatal(err)
		}
	}
	w.waitLog("added " + strconv.Itoa(w.added+len(lines)))
	w.added += len(lines)
}

// waitLog waits for the helper's log to have a line.
func (w *watchTerm) waitLog(line string) {
	w.t.Helper()
	deadline := time.Now().Add(tmuxtest.Wait)
	for {
		b, _ := os.ReadFile(filepath.Join(w.dir, "log"))
		for _, l := range strings.Split(string(b), "\n") {
			if l == line {
				return
			}
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("no %q in the helper's log after %v:\n%s\nscreen:\n%s", line, tmuxtest.Wait, b, w.Screen())
		}
		time.Sleep(10 * time.Millisecond) // a poll interval
	}
}

func TestWatchInTmux(t *testing.T) {
	w := startWatch(t, 120, 40)
	w.pub(
		"home/kitchen/temperature\t21.5\t0\t0",
		"home/kitchen/humidity\t40\t1\t1",
		"home/hall/light\t{\"on\": true, \"level\": 80}\t1\t0",
		"home/garage/door\tclosed\t0\t1",
		"home/kitchen/temperature\t21.6\t0\t0",
		"home/kitchen/temperature\t21.8\t0\t0",
	)
	screen := w.WaitText("6 msgs", "home/garage/door")
	t.Logf("the table:\n%s", screen)
	lines := strings.Split(screen, "\n")
	if !strings.HasPrefix(lines[0], "mqtt watch  test-broker:1883  4 topics  6 msgs") {
		t.Errorf("header %q", lines[0])
	}
	for i, want := range []string{
		`^home/garage/door +1 +\S+ +\S+ 0R +closed`,
		`^home/hall/light +1 +\S+ +\S+ 1 +\{"on":true,"level":80\}`,
		`^home/kitchen/humidity +1 +\S+ +\S+ 1R +▅ 40`,
		`^home/kitchen/temperature +3 +\S+ +\S+ 0 +▁▃█ 21\.8`,
	} {
		if !regexp.MustCompile(want).MatchString(lines[2+i]) {
			t.Errorf("row %d: %q, want %s", i, lines[2+i], want)
		}
	}

	// Search, then the detail of what it found.
	w.Type("/temp")
	w.WaitText("/temp█")
	w.Keys("Enter", "Enter")
	screen = w.WaitText("── payload, 4 bytes", "── change from the message before")
	t.Logf("the detail:\n%s", screen)
	for _, want := range []string{"home/kitchen/temperature\n3 msgs", "  21.8\n", "- 21.6\n+ 21.8\n", "q0    21.8\n", "q0    21.6\n", "q0    21.5\n"} {
		if !strings.Contains(screen, want) {
			t.Errorf("detail: no %q", want)
		}
	}
	// Each key waits for the screen it makes: an escape followed at once by a key reads as alt and that key.
	w.Keys("Escape")
	w.WaitText("TOPIC")

	// Paused, the screen stands still while the counting goes on.
	w.Type("p")
	w.WaitText("PAUSED")
	w.pub("home/kitchen/temperature\t22.0\t0\t0", "home/attic/fan\ton\t0\t0")
	w.Type("/")
	screen = w.WaitText("/█")
	if !strings.Contains(screen, "6 msgs") || strings.Contains(screen, "attic") {
		t.Errorf("the paused screen changed:\n%s", screen)
	}
	w.Keys("Escape")
	w.WaitText("↑↓ move")
	w.Type("p")
	w.WaitText("8 msgs", "home/attic/fan", "live")

	// Clearing a retained message asks first, then calls the command's callback.
	w.Type("/humid")
	w.Keys("Enter")
	w.Type("c")
	w.WaitText("clear the retained message of home/kitchen/humidity? y/n")
	w.Type("y")
	w.waitLog("clear home/kitchen/humidity")
	w.WaitText("cleared home/kitchen/humidity")

	// Narrow, the columns that do not fit go; wide again, they come back.
	w.Resize(40, 15)
	screen = w.WaitFor("a 40-column table", func(s string) bool {
		return regexp.MustCompile(`(?m)^TOPIC +COUNT +AGE QR VALUE$`).MatchString(s)
	})
	t.Logf("at 40 columns:\n%s", screen)
	for i, l := range strings.Split(screen, "\n") {
		if width(l) > 40 {
			t.Errorf("line %d is %d cells: %q", i, width(l), l)
		}
	}
	w.Resize(100, 30)
	w.WaitText("RATE", "HISTORY")

	w.Type("q")
	if status := w.WaitExit(); status != 0 {
		t.Errorf("exit status %d", status)
	}
	w.waitLog("exit <nil>")
}

// Without colour (NO_COLOR) the screen holds attributes only; with it, the paused badge is coloured.
func TestWatchNoColorInTmux(t *testing.T) {
	colour := regexp.MustCompile(`\x1b\[([0-9;]*;)?(3[0-7]|38|9[0-7])[;m]`)
	reverse := regexp.MustCompile(`\x1b\[([0-9;]*;)?7[;m]`)
	for _, env := range [][]string{{"NO_COLOR=1"}, nil} {
		w := startWatch(t, 80, 10, env...)
		w.pub("a\t1\t0\t0")
		w.WaitText("1 msgs")
		w.Type("p")
		w.WaitText("PAUSED")
		screen := w.ScreenEscapes()
		if got := colour.MatchString(screen); got != (env == nil) {
			t.Errorf("env %v: colour %v in %q", env, got, screen)
		}
		if !reverse.MatchString(screen) {
			t.Errorf("env %v: no reverse video in %q", env, screen)
		}
		w.Keys("C-c")
		if status := w.WaitExit(); status != 0 {
			t.Errorf("ctrl-c: exit status %d", status)
		}
	}
}
