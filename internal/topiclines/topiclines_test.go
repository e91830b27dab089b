package topiclines

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"mqtt/format"
	"mqtt/internal/message"
	"mqtt/internal/tmuxtest"
)

// The bytes mosquitto 2.1's print_message writes with -w -v: "\e[%d;1H" before, "\e[%d;1H\n" after.
func TestBytes(t *testing.T) {
	got := AppendHeader(nil, "localhost")
	if want := "\x1b[2J\x1b[1;1HBroker: localhost\n"; string(got) != want {
		t.Errorf("header %q, want %q", got, want)
	}
	l := New()
	var b []byte
	b = l.Append(b, "a", []byte("a 1\n"))
	b = l.Append(b, "b", []byte("b 1\n"))
	b = l.Append(b, "a", []byte("a 2\n"))
	b = l.AppendStart(b, "c")           // dropped by --random-filter: it still takes a line, and the cursor stays there
	b = l.Append(b, "b", []byte("b 2")) // -N: no newline of the caller's
	want := "\x1b[2;1Ha 1\n\x1b[2;1H\n" +
		"\x1b[3;1Hb 1\n\x1b[3;1H\n" +
		"\x1b[2;1Ha 2\n\x1b[3;1H\n" +
		"\x1b[4;1H" +
		"\x1b[3;1Hb 2\x1b[4;1H\n"
	if string(b) != want {
		t.Errorf("got  %q\nwant %q", b, want)
	}
	if l.Topics() != 3 {
		t.Errorf("%d topics", l.Topics())
	}
}

func TestAppendAllocatesNothingForAKnownTopic(t *testing.T) {
	l := New()
	buf := l.Append(nil, "sensor/1", []byte("21.5\n"))
	n := testing.AllocsPerRun(100, func() {
		buf = l.Append(buf[:0], "sensor/1", []byte("21.5\n"))
	})
	if n != 0 {
		t.Errorf("%v allocations per message", n)
	}
}

// helperEnv runs TestMain as a small sub -w: it prints the stream in the file it names, "topic payload" per
// line as -v would, then waits for a line on stdin before it exits, so that the screen can be read.
const helperEnv = "TOPICLINES_HELPER_STREAM"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		os.Exit(helper(path))
	}
	os.Exit(m.Run())
}

func helper(path string) int {
	stream, err := os.ReadFile(path)
	if err != nil {
		return 2
	}
	l := New()
	out := AppendHeader(nil, "localhost")
	for _, line := range strings.Split(strings.TrimSuffix(string(stream), "\n"), "\n") {
		topic, _, _ := strings.Cut(line, " ")
		out = l.Append(out, topic, []byte(line+"\n"))
	}
	if _, err := os.Stdout.Write(out); err != nil {
		return 2
	}
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// In a real terminal the screen after a stream has one line per topic, in the order first seen, with the
// topic's latest output: over the previous one, whose longer tail stays (mosquitto does not erase the line).
func TestScreenInTmux(t *testing.T) {
	stream := "home/kitchen 21.5\nhome/hall 19.0\nhome/kitchen 21.75\nhome/garage open\nhome/hall 19.5\nhome/kitchen 22\n"
	path := t.TempDir() + "/stream"
	if err := os.WriteFile(path, []byte(stream), 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	term := tmuxtest.Start(t, 120, 40, []string{helperEnv + "=" + path}, exe)
	screen := term.WaitText("home/garage open")
	lines := strings.Split(screen, "\n")
	want := []string{"Broker: localhost", "home/kitchen 22.75", "home/hall 19.5", "home/garage open", ""}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d: %q, want %q\nscreen:\n%s", i+1, lines[i], w, screen)
		}
	}
	term.Keys("Enter")
	if status := term.WaitExit(); status != 0 {
		t.Errorf("exit status %d", status)
	}
}

func TestPrinter(t *testing.T) {
	f, err := format.New(format.Options{Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	keep := []bool{true, false, true}
	p := &Printer{Lines: New(), Format: f, Keep: func() bool { k := keep[0]; keep = keep[1:]; return k }}
	var b []byte
	for _, m := range []message.Message{{Topic: "a", Payload: []byte("1")}, {Topic: "b", Payload: []byte("2")}, {Topic: "a", Payload: []byte("3")}} {
		if b, err = p.Append(b, &m); err != nil {
			t.Fatal(err)
		}
	}
	want := "\x1b[2;1Ha 1\n\x1b[2;1H\n" + "\x1b[3;1H" + "\x1b[2;1Ha 3\n\x1b[3;1H\n"
	if string(b) != want {
		t.Errorf("got  %q\nwant %q", b, want)
	}
}
