package watch

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mqtt/internal/message"
)

// t0 is the test clock's start.
var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// harness drives a model without a terminal: messages go to the store, frames and keys to Update, and the
// screen is the view's text without its escape sequences.
type harness struct {
	t     *testing.T
	store *Store
	m     *model
	now   time.Time
	cmds  []tea.Cmd
}

func newHarness(t *testing.T, o Options, w, h int) *harness {
	hs := &harness{t: t, now: t0}
	hs.store = NewStore(StoreOptions{Now: func() time.Time { return hs.now }})
	o.Now = func() time.Time { return hs.now }
	if o.Location == nil {
		o.Location = time.UTC
	}
	hs.m = newModel(context.Background(), hs.store, o)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// pub adds a message received at the harness's clock.
func (hs *harness) pub(topic, payload string, qos byte, retain bool) {
	hs.store.Add(&message.Message{Topic: topic, Payload: []byte(payload), QoS: qos, Retain: retain, Received: hs.now})
}

func (hs *harness) send(msg tea.Msg) tea.Cmd {
	_, cmd := hs.m.Update(msg)
	return cmd
}

// frame moves the clock on by d and lets a frame be drawn.
func (hs *harness) frame(d time.Duration) {
	hs.now = hs.now.Add(d)
	hs.send(tickMsg(hs.now))
}

func (hs *harness) key(keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		cmd = hs.send(keyPress(k))
	}
	return cmd
}

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

func (hs *harness) screen() string {
	return ansi.Strip(hs.m.View().Content)
}

// lines is the screen's lines, trailing blanks cut.
func (hs *harness) lines() []string {
	var out []string
	for _, l := range strings.Split(hs.screen(), "\n") {
		out = append(out, strings.TrimRight(l, " "))
	}
	return out
}

// rowOf is the screen line that shows topic, or "".
func (hs *harness) rowOf(topic string) string {
	for _, l := range hs.lines() {
		if strings.HasPrefix(l, topic+" ") {
			return l
		}
	}
	return ""
}

func (hs *harness) want(texts ...string) {
	hs.t.Helper()
	s := hs.screen()
	for _, x := range texts {
		if !strings.Contains(s, x) {
			hs.t.Fatalf("no %q on the screen:\n%s", x, s)
		}
	}
}

func (hs *harness) wantNot(texts ...string) {
	hs.t.Helper()
	s := hs.screen()
	for _, x := range texts {
		if strings.Contains(s, x) {
			hs.t.Fatalf("%q on the screen:\n%s", x, s)
		}
	}
}

// house is a known stream: two retained sensors, a light that speaks JSON and a temperature every second.
func house(hs *harness) {
	hs.pub("home/kitchen/humidity", "40", 1, true)
	hs.pub("home/garage/door", "closed", 0, true)
	hs.pub("home/hall/light", `{"on": true, "level": 80}`, 1, false)
	for _, v := range []string{"21.5", "21.6", "21.8", "21.7"} {
		hs.frame(time.Second)
		hs.pub("home/kitchen/temperature", v, 0, false)
	}
	hs.frame(time.Second)
}

func TestTableShowsTopicsCountsAndValues(t *testing.T) {
	hs := newHarness(t, Options{Title: "localhost:1883"}, 120, 40)
	house(hs)
	l := hs.lines()
	if !strings.HasPrefix(l[0], "mqtt watch  localhost:1883  4 topics  7 msgs") || !strings.HasSuffix(l[0], "live") {
		t.Errorf("header %q", l[0])
	}
	if !regexp.MustCompile(`^TOPIC +COUNT +RATE +AGE QR HISTORY +VALUE$`).MatchString(l[1]) {
		t.Errorf("column heads %q", l[1])
	}
	// Sorted by name, so that a subtree stays together, as in a tree.
	order := []string{"home/garage/door", "home/hall/light", "home/kitchen/humidity", "home/kitchen/temperature"}
	for i, topic := range order {
		if !strings.HasPrefix(l[2+i], topic+" ") {
			t.Errorf("row %d: %q, want %s", i, l[2+i], topic)
		}
	}
	for topic, want := range map[string]string{
		"home/garage/door":         `^home/garage/door +1 +0 +5\.0s 0R +closed$`,
		"home/hall/light":          `^home/hall/light +1 +0 +5\.0s 1 +\{"on":true,"level":80\}$`,
		"home/kitchen/humidity":    `^home/kitchen/humidity +1 +0 +5\.0s 1R +▅ +40$`,
		"home/kitchen/temperature": `^home/kitchen/temperature +4 +1\.00 +1\.0s 0 +▁▃█▅ +21\.7$`,
	} {
		if row := hs.rowOf(topic); !regexp.MustCompile(want).MatchString(row) {
			t.Errorf("row %q, want %s", row, want)
		}
	}
	if !strings.HasPrefix(l[39], "↑↓ move") {
		t.Errorf("footer %q", l[39])
	}
}

// Every line fits the width, however narrow, and the columns a narrow screen cannot hold go first.
func TestTableFitsTheWidth(t *testing.T) {
	for _, w := range []int{200, 120, 100, 80, 60, 59, 45, 40, 30, 10, 1} {
		hs := newHarness(t, Options{Title: "a-broker-with-a-long-name.example.com:8883"}, w, 12)
		house(hs)
		hs.pub("home/"+strings.Repeat("very-long-level/", 8)+"leaf", strings.Repeat("long value ", 30), 2, false)
		hs.pub("t", "日本語のテキスト、幅の広い文字", 0, false)
		hs.frame(time.Second)
		for _, view := range []string{"table", "detail"} {
			if view == "detail" {
				hs.key("enter")
				hs.frame(time.Second)
			}
			for i, l := range strings.Split(hs.screen(), "\n") {
				if n := width(l); n > w {
					t.Errorf("width %d, %s line %d is %d cells: %q", w, view, i, n, l)
				}
			}
			if n := len(strings.Split(hs.screen(), "\n")); n != 12 {
				t.Errorf("width %d, %s: %d lines", w, view, n)
			}
		}
	}
	hs := newHarness(t, Options{}, 40, 12)
	house(hs)
	if l := hs.lines()[1]; !regexp.MustCompile(`^TOPIC +COUNT +AGE QR VALUE$`).MatchString(l) {
		t.Errorf("40 columns: %q", l)
	}
	// The end of a long topic tells it from its neighbours: it is kept, the start cut.
	if !regexp.MustCompile(`(?m)^…emperature +4 `).MatchString(hs.screen()) {
		t.Errorf("no cut topic:\n%s", hs.screen())
	}
}

func TestMoveAndSearch(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 40)
	house(hs)
	if hs.m.sel != "" && hs.m.sel != "home/garage/door" {
		t.Fatalf("selection %q", hs.m.sel)
	}
	step := func(k, want string) {
		t.Helper()
		hs.key(k)
		if hs.m.sel != want {
			t.Errorf("after %s: %q, want %q", k, hs.m.sel, want)
		}
		// The selected row is the one drawn in reverse video.
		for _, l := range strings.Split(hs.m.View().Content, "\n") {
			if strings.Contains(ansi.Strip(l), want+" ") && !strings.Contains(l, "\x1b[7m") {
				t.Errorf("%s is not drawn selected: %q", want, l)
			}
		}
	}
	step("j", "home/hall/light")
	step("down", "home/kitchen/humidity")
	step("down", "home/kitchen/temperature")
	step("down", "home/kitchen/temperature")
	step("k", "home/kitchen/humidity")
	step("up", "home/hall/light")
	step("G", "home/kitchen/temperature")
	step("g", "home/garage/door")
	// A topic that arrives above the selection does not move it.
	hs.key("j")
	hs.pub("a/first", "x", 0, false)
	hs.frame(time.Second)
	if hs.m.sel != "home/hall/light" {
		t.Errorf("a new topic moved the selection to %q", hs.m.sel)
	}

	hs.key("/")
	hs.want("/█")
	hs.key("K", "i", "t")
	if hs.m.sel != "home/kitchen/humidity" {
		t.Errorf("search kit: %q", hs.m.sel)
	}
	hs.want("/Kit█")
	hs.key("c", "h", "e", "n", "/", "t")
	if hs.m.sel != "home/kitchen/temperature" {
		t.Errorf("search kitchen/t: %q", hs.m.sel)
	}
	// Less text matches from the start again.
	hs.key("backspace", "backspace", "backspace", "enter")
	if hs.m.sel != "home/kitchen/humidity" || hs.m.mode != modeTable {
		t.Errorf("after enter: %q mode %d", hs.m.sel, hs.m.mode)
	}
	hs.key("n")
	if hs.m.sel != "home/kitchen/temperature" {
		t.Errorf("n: %q", hs.m.sel)
	}
	hs.key("n")
	if hs.m.sel != "home/kitchen/humidity" {
		t.Errorf("n goes round to %q", hs.m.sel)
	}
	hs.key("N")
	if hs.m.sel != "home/kitchen/temperature" {
		t.Errorf("N: %q", hs.m.sel)
	}
	// esc gives the selection back; a search without a match leaves it.
	hs.key("/", "g", "a", "r", "esc")
	if hs.m.sel != "home/kitchen/temperature" {
		t.Errorf("esc: %q", hs.m.sel)
	}
	hs.key("/", "n", "o", "p", "e", "enter")
	if hs.m.sel != "home/kitchen/temperature" {
		t.Errorf("no match: %q", hs.m.sel)
	}
	// Keys typed into the search are not commands.
	hs.key("/", "q", "p")
	if hs.m.paused || hs.m.mode != modeSearch {
		t.Errorf("a search key acted: paused %v mode %d", hs.m.paused, hs.m.mode)
	}
}

func TestDetailView(t *testing.T) {
	alias := uint16(1)
	hs := newHarness(t, Options{History: 3}, 100, 40)
	hs.pub("dev/1", `{"temp": 21.5, "unit": "C", "ok": true}`, 1, false)
	hs.frame(1500 * time.Millisecond)
	hs.store.Add(&message.Message{Topic: "dev/1", Payload: []byte(`{"temp": 22, "unit": "C", "ok": true}`), QoS: 1, Received: hs.now,
		Props: &message.Properties{ContentType: "application/json", TopicAlias: &alias, User: []message.UserProperty{{Key: "site", Value: "north"}}}})
	hs.frame(time.Second)
	hs.key("enter")
	if hs.m.mode != modeDetail {
		t.Fatal("enter did not open the detail")
	}
	s := hs.screen()
	for _, want := range []string{
		"dev/1\n2 msgs",
		"last 1.0s ago  QoS 1",
		"── properties ─",
		"  content-type: application/json\n  topic-alias: 1\n  user-property: site = north\n",
		"── payload, 37 bytes ─",
		"  {\n    \"temp\": 22,\n    \"unit\": \"C\",\n    \"ok\": true\n  }",
		"── change from the message before ─",
		"  {\n-   \"temp\": 21.5,\n+   \"temp\": 22,\n    \"unit\": \"C\",\n",
		"── last 2 messages ─",
		"  12:00:01.500  q1    {\"temp\":22,\"unit\":\"C\",\"ok\":true}\n  12:00:00.000  q1    {\"temp\":21.5,",
		"esc back",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in\n%s", want, s)
		}
	}
	// The list keeps to History, newest first.
	for range 5 {
		hs.frame(time.Second)
		hs.pub("dev/1", fmt.Sprint(hs.now.Second()), 0, true)
	}
	hs.frame(time.Second)
	hs.want("── last 3 messages ─", "12:00:07.500  q0 R  7\n  12:00:06.500  q0 R  6\n  12:00:05.500  q0 R  5\n")
	hs.wantNot("12:00:04.500")
	hs.key("esc")
	if hs.m.mode != modeTable {
		t.Error("esc did not go back")
	}
	hs.want("TOPIC")
}

func TestDetailScrolls(t *testing.T) {
	hs := newHarness(t, Options{}, 60, 10)
	hs.pub("big", strings.Repeat("line\n", 50)+"end", 0, false)
	hs.frame(time.Second)
	hs.key("enter")
	hs.want("big\n")
	hs.key("j", "j")
	hs.wantNot("big\n")
	for range 100 {
		hs.key("j")
	}
	hs.want("  end")
	hs.key("g")
	hs.want("big\n")
}

func TestPauseFreezesTheScreenNotTheCount(t *testing.T) {
	hs := newHarness(t, Options{}, 100, 20)
	house(hs)
	hs.key("p")
	hs.want("PAUSED")
	frozen := hs.screen()
	for range 100 {
		hs.pub("home/kitchen/temperature", "30", 0, false)
	}
	hs.pub("new/topic", "x", 0, false)
	hs.frame(5 * time.Second)
	hs.key("j") // a key redraws, but with what the screen showed when it was paused
	if got := hs.screen(); strings.ReplaceAll(got, "", "") == "" || hs.rowOf("new/topic") != "" || !strings.Contains(got, "7 msgs") {
		t.Errorf("the paused screen changed:\nbefore\n%s\nafter\n%s", frozen, got)
	}
	if hs.store.Total() != 108 {
		t.Errorf("counted %d while paused", hs.store.Total())
	}
	hs.key("p")
	hs.want("108 msgs", "live")
	if row := hs.rowOf("home/kitchen/temperature"); !regexp.MustCompile(` 104 .* 30$`).MatchString(row) {
		t.Errorf("after pause: %q", row)
	}
	if hs.rowOf("new/topic") == "" {
		t.Error("new topic not shown after pause")
	}
}

func TestClearRetained(t *testing.T) {
	var cleared []string
	clear := func(_ context.Context, topic string) error {
		cleared = append(cleared, topic)
		return nil
	}
	hs := newHarness(t, Options{ClearRetained: clear}, 100, 20)
	house(hs)
	hs.key("j") // home/hall/light: not retained
	hs.key("c")
	hs.want("no retained message seen on this topic")
	hs.key("j") // home/kitchen/humidity: retained
	hs.key("c")
	hs.want("clear the retained message of home/kitchen/humidity? y/n")
	hs.key("n")
	hs.wantNot("y/n")
	if len(cleared) != 0 {
		t.Fatalf("cleared without a yes: %v", cleared)
	}
	hs.key("c")
	cmd := hs.key("y")
	if cmd == nil {
		t.Fatal("no command to clear")
	}
	hs.want("clearing home/kitchen/humidity…")
	hs.send(cmd())
	if fmt.Sprint(cleared) != "[home/kitchen/humidity]" {
		t.Errorf("cleared %v", cleared)
	}
	hs.want("cleared home/kitchen/humidity")
	// From the detail view too, and an error is told.
	fail := func(context.Context, string) error { return fmt.Errorf("not authorised") }
	hs = newHarness(t, Options{ClearRetained: fail}, 100, 20)
	house(hs)
	hs.key("enter", "c")
	hs.want("clear the retained message of home/garage/door? y/n")
	hs.send(hs.key("y")())
	hs.want("could not clear home/garage/door: not authorised", "── payload")
	// Without a callback, c says so.
	hs = newHarness(t, Options{}, 100, 20)
	house(hs)
	hs.key("c")
	hs.want("clearing is not available")
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		hs := newHarness(t, Options{}, 80, 20)
		house(hs)
		cmd := hs.key(k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
	// ctrl+c quits from a search and a question too; q there is text or an answer.
	hs := newHarness(t, Options{}, 80, 20)
	hs.key("/")
	if cmd := hs.key("q"); cmd != nil {
		t.Error("q in a search quit")
	}
	if _, ok := hs.key("ctrl+c")().(tea.QuitMsg); !ok {
		t.Error("ctrl+c in a search does not quit")
	}
}

func TestResize(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 40)
	house(hs)
	hs.want("RATE", "HISTORY")
	hs.send(tea.WindowSizeMsg{Width: 50, Height: 8})
	hs.wantNot("RATE", "HISTORY")
	if n := len(hs.lines()); n != 8 {
		t.Errorf("%d lines at 8 rows", n)
	}
	// Rows that do not fit scroll with the selection.
	hs.key("G")
	hs.want("temperature")
	hs.send(tea.WindowSizeMsg{Width: 50, Height: 4})
	hs.want("temperature")
	hs.wantNot("garage/door")
}

func TestColour(t *testing.T) {
	sgrColour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-7]|38;|9[0-7])[0-9;]*m`)
	for _, color := range []bool{false, true} {
		hs := newHarness(t, Options{Color: color}, 100, 20)
		for range 4 {
			hs.pub("a/quiet", "1", 0, false)
			hs.frame(time.Second)
		}
		hs.frame(10 * time.Second)
		hs.key("p")
		content := hs.m.View().Content
		if sgrColour.MatchString(content) != color {
			t.Errorf("colour %v: colour codes %v in %q", color, !color, content)
		}
		// The marks stay visible without colour: the ! of a quiet topic, the reverse video of the selection.
		if row := hs.rowOf("a/quiet"); !strings.Contains(row, " !11s ") {
			t.Errorf("colour %v: quiet topic %q", color, row)
		}
		if !strings.Contains(content, "\x1b[7m") {
			t.Errorf("colour %v: no reverse video", color)
		}
	}
}

func TestQuietMark(t *testing.T) {
	hs := newHarness(t, Options{}, 100, 20)
	for range 5 {
		hs.pub("s", "1", 0, false)
		hs.frame(2 * time.Second)
	}
	hs.frame(2 * time.Second) // 4 s since the last: twice the usual 2 s
	if row := hs.rowOf("s"); strings.Contains(row, "!") {
		t.Errorf("quiet too soon: %q", row)
	}
	hs.frame(3 * time.Second) // 7 s
	if row := hs.rowOf("s"); !strings.Contains(row, "!7.0s") {
		t.Errorf("not marked quiet: %q", row)
	}
	// Retained messages arriving together on subscribing set no interval.
	hs.pub("r", "1", 0, true)
	hs.pub("r", "1", 0, true)
	hs.pub("r", "1", 0, true)
	hs.frame(time.Hour)
	if row := hs.rowOf("r"); strings.Contains(row, "!") {
		t.Errorf("retained topic marked: %q", row)
	}
}

// Nothing a publisher sends reaches the terminal as a control sequence.
func TestPayloadsCannotDriveTheTerminal(t *testing.T) {
	hs := newHarness(t, Options{}, 100, 20)
	hs.pub("evil/\x1b]0;title\x07", "\x1b[2J\x1b[31mred text\r\nnext\u009b1m", 0, false)
	hs.pub("bin", "\x00\x01\xff", 0, false)
	hs.frame(time.Second)
	content := hs.m.View().Content
	for _, bad := range []string{"\x1b[2J", "\x1b[31mred", "\x1b]0;", "\x07", "\r", "\u009b"} {
		if strings.Contains(content, bad) {
			t.Errorf("%q reached the screen", bad)
		}
	}
	hs.want("evil/␛]0;title␇", "␛[2J␛[31mred text␍␊next�1m", "00 01 ff")
	hs.key("g", "enter")
	hs.want("00000000  00 01 ff", "|...|")
}

// Counts stay exact with several feeders and a view taking snapshots at the same time.
func TestCountsExactUnderConcurrency(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 40)
	const feeders, each = 4, 25000
	var wg sync.WaitGroup
	for f := range feeders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := message.Message{Topic: fmt.Sprintf("feed/%d", f), Payload: []byte("0000")}
			for i := range each {
				m.Payload = fmt.Appendf(m.Payload[:0], "%d", i)
				hs.store.Add(&m)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var snap Snapshot
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			hs.store.Snapshot(&snap)
		}
	}
	hs.frame(time.Second)
	hs.want(fmt.Sprintf("%d msgs", feeders*each))
	for f := range feeders {
		if row := hs.rowOf(fmt.Sprintf("feed/%d", f)); !regexp.MustCompile(fmt.Sprintf(` %d .* %d$`, each, each-1)).MatchString(row) {
			t.Errorf("row %q", row)
		}
	}
}
