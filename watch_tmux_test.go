package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/cmd"
	"mqtt/internal/broker/brokertest"
	"mqtt/internal/iostreams"
	"mqtt/internal/tmuxtest"
	"mqtt/internal/transport"
)

// mqttIn runs the command line in-process (a publisher, mostly) and fails the test if it fails.
func mqttIn(t *testing.T, args ...string) {
	t.Helper()
	mqttInWith(t, "", args...)
}

// mqttInWith is mqttIn with stdin. Messages published over one connection (pub -l) arrive in order;
// those of several connections, one after the other, need not.
func mqttInWith(t *testing.T, stdin string, args ...string) {
	t.Helper()
	streams, _, errOut := iostreams.Test(stdin)
	if code := cmd.RunWith(context.Background(), append([]string{"mqtt"}, args...), streams); code != 0 {
		t.Fatalf("mqtt %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
}

// startInTmux runs the built mqtt with args in a terminal of w by h cells.
func startInTmux(t *testing.T, w, h int, env []string, args ...string) *tmuxtest.Terminal {
	t.Helper()
	dir, err := linkedBinary()
	if err != nil {
		t.Fatal(err)
	}
	return tmuxtest.Start(t, w, h, env, append([]string{filepath.Join(dir, "mqtt")}, args...)...)
}

// `mqtt watch` in a real terminal against a broker: the topics, counts and last values of a known stream,
// search, the detail view, pause, clearing a retained message, resize and quit.
func TestWatchCommandInTmux(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	mqttIn(t, "pub", "-p", port, "-t", "home/garage/door", "-m", "closed", "-r", "-q", "1")
	w := startInTmux(t, 120, 40, []string{"NO_COLOR=1"}, "watch", "-p", port, "-t", "home/#", "-q", "1")
	w.WaitText("home/garage/door") // subscribed: the retained message came
	// Each waits for the one before to be counted: publishes over different connections may overtake.
	for i, m := range [][]string{
		{"-t", "home/kitchen/temperature", "-m", "21.5"},
		{"-t", "home/kitchen/humidity", "-m", "40", "-q", "1"},
		{"-t", "home/hall/light", "-m", `{"on": true, "level": 80}`, "-q", "1"},
		{"-t", "home/kitchen/temperature", "-m", "21.6"},
		{"-t", "home/kitchen/temperature", "-m", "21.8"},
	} {
		mqttIn(t, append([]string{"pub", "-p", port}, m...)...)
		w.WaitText(fmt.Sprintf(" %d msgs", i+2))
	}
	mqttIn(t, "pub", "-p", port, "-t", "elsewhere", "-m", "not watched")
	screen := w.WaitText("6 msgs", "21.8")
	t.Logf("the table:\n%s", screen)
	lines := strings.Split(screen, "\n")
	if !strings.HasPrefix(lines[0], "mqtt watch  127.0.0.1:"+port+"  4 topics  6 msgs") &&
		!strings.HasPrefix(lines[0], "mqtt watch  localhost:"+port+"  4 topics  6 msgs") {
		t.Errorf("header %q", lines[0])
	}
	for i, want := range []string{
		`^home/garage/door +1 +\S+ +\S+ 1R +closed`,
		`^home/hall/light +1 +\S+ +\S+ 1 +\{"on":true,"level":80\}`,
		`^home/kitchen/humidity +1 +\S+ +\S+ 1 +▅ 40`,
		`^home/kitchen/temperature +3 +\S+ +\S+ 0 +▁▃█ 21\.8`,
	} {
		if !regexp.MustCompile(want).MatchString(lines[2+i]) {
			t.Errorf("row %d: %q, want %s", i, lines[2+i], want)
		}
	}
	if strings.Contains(screen, "elsewhere") {
		t.Error("a topic outside -t is shown")
	}

	w.Type("/temp")
	w.WaitText("/temp█")
	w.Keys("Enter", "Enter")
	screen = w.WaitText("── payload, 4 bytes", "── change from the message before")
	for _, want := range []string{"home/kitchen/temperature\n3 msgs", "- 21.6\n+ 21.8\n"} {
		if !strings.Contains(screen, want) {
			t.Errorf("detail: no %q in\n%s", want, screen)
		}
	}
	w.Keys("Escape")
	w.WaitText("TOPIC")

	w.Type("p")
	w.WaitText("PAUSED")
	mqttIn(t, "pub", "-p", port, "-t", "home/attic/fan", "-m", "on", "-q", "1")
	w.Type("p")
	w.WaitText("7 msgs", "home/attic/fan", "live")

	// c asks, then clears the broker's retained message with an empty retained publish.
	w.Type("/door")
	w.Keys("Enter")
	w.Type("c")
	w.WaitText("clear the retained message of home/garage/door? y/n")
	w.Type("y")
	w.WaitText("cleared home/garage/door")
	deadline := time.Now().Add(tmuxtest.Wait)
	for len(b.Server().Topics.Messages("home/garage/door")) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the broker still holds the retained message")
		}
		time.Sleep(10 * time.Millisecond) // polling the broker's state: there is no event to wait on
	}

	w.Resize(40, 15)
	w.WaitFor("a 40-column table", func(s string) bool {
		return regexp.MustCompile(`(?m)^TOPIC +COUNT +AGE QR VALUE$`).MatchString(s)
	})
	w.Resize(120, 40)
	w.WaitText("RATE", "HISTORY")
	w.Type("q")
	if status := w.WaitExit(); status != 0 {
		t.Errorf("exit status %d", status)
	}
}

// `mqtt sub -w` in a real terminal: after a stream, one line per topic in the order first seen, each with
// its latest value over what the line held before (mosquitto 2.1 does not erase it).
func TestSubWatchInTmux(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	w := startInTmux(t, 80, 12, nil, "sub", "-p", port, "-t", "w/#", "-w", "-F", "%t %p")
	deadline := time.Now().Add(tmuxtest.Wait)
	for len(b.Server().Topics.Subscribers("w/x").Subscriptions) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("sub -w did not subscribe")
		}
		time.Sleep(10 * time.Millisecond) // polling the broker's state: there is no event to wait on
	}
	mqttInWith(t, "w/kitchen 21.5 C\nw/hall off\nw/kitchen 21.75 C\nw/garage open\nw/hall on\nw/kitchen 22 C\n", "pub", "-p", port, "-l", "--line-topic", " ")
	want := "Broker: localhost\nw/kitchen 22 C5 C\nw/hall onf\nw/garage open\n"
	screen := w.WaitFor("the last values", func(s string) bool { return strings.HasPrefix(s, want) })
	t.Logf("the screen:\n%s", screen)
	// ctrl-c is SIGINT to the whole foreground group, the shell that would write the exit status too.
	w.Keys("C-c")
}

// --filter leaves out what its jq expression is false for; --field picks the number of the sparkline, from
// the payload as --decode reads it.
func TestWatchFilterAndFieldInTmux(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	w := startInTmux(t, 100, 20, []string{"NO_COLOR=1"}, "watch", "-p", port, "-t", "f/#",
		"--filter", `.topic != "f/skip"`, "--field", ".payload.t", "--decode", "json")
	w.WaitText("0 topics")
	mqttInWith(t, "f/skip {\"t\":9}\nf/s {\"t\":1}\nf/s {\"t\":5}\nf/s {\"t\":3}\nf/skip x\n", "pub", "-p", port, "-l", "--line-topic", " ")
	screen := w.WaitText("3 msgs")
	t.Logf("the table:\n%s", screen)
	if !regexp.MustCompile(`(?m)^f/s +3 .* ▁█[▄▅] \{"t":3\}$`).MatchString(screen) || strings.Contains(screen, "f/skip") {
		t.Errorf("want f/s with its sparkline of .t and no f/skip")
	}
	w.Type("q")
	if status := w.WaitExit(); status != 0 {
		t.Errorf("exit status %d", status)
	}
}
