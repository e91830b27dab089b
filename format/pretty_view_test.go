package format

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

// The date is a line of its own before the first record and whenever the day changes, in the view's zone.
func TestPrettyDateLines(t *testing.T) {
	at := func(s string) *message.Message {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return &message.Message{Topic: "t", Payload: []byte("x"), Received: tm}
	}
	got := prettyString(t, PrettyOptions{},
		at("2026-01-02T23:59:59.5Z"), at("2026-01-02T23:59:59.9Z"), at("2026-01-03T00:00:00.1Z"),
		&message.Message{Topic: "t", Payload: []byte("x")}, // no time: no date either
		at("2026-01-03T08:00:00Z"), at("2027-01-03T08:00:00Z"))
	want := "── 2026-01-02 Friday ──\n" +
		"23:59:59.500  t  q0\n  x\n" +
		"23:59:59.900  t  q0\n  x\n" +
		"── 2026-01-03 Saturday ──\n" +
		"00:00:00.100  t  q0\n  x\n" +
		"--:--:--.---  t  q0\n  x\n" +
		"08:00:00.000  t  q0\n  x\n" +
		"── 2027-01-03 Sunday ──\n" + // the same day of the year, a year later
		"08:00:00.000  t  q0\n  x\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The day is the view's: 23:30 UTC is already tomorrow in Berlin.
	berlin := time.FixedZone("CET", 3600)
	got = prettyString(t, PrettyOptions{Location: berlin}, at("2026-01-02T22:30:00Z"), at("2026-01-02T23:30:00Z"))
	if want := "── 2026-01-02 Friday ──\n23:30:00.000  t  q0\n  x\n── 2026-01-03 Saturday ──\n00:30:00.000  t  q0\n  x\n"; got != want {
		t.Errorf("in CET: got\n%s\nwant\n%s", got, want)
	}
}

// --timestamp in the view: the whole stamp in each header, as in plain output, and no date lines.
func TestPrettyTimestamp(t *testing.T) {
	m := &message.Message{Topic: "t", QoS: 1, Payload: []byte("x"), Received: prettyTime}
	got := prettyString(t, PrettyOptions{Timestamp: true}, m, m)
	want := "2026-01-02T15:04:05.678900Z  t  q1\n  x\n2026-01-02T15:04:05.678900Z  t  q1\n  x\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// paletteHue is the hue in degrees of a 38;5;N colour of xterm's 256-colour cube.
func paletteHue(t *testing.T, sgr string) float64 {
	n, err := strconv.Atoi(strings.TrimPrefix(sgr, "38;5;"))
	if err != nil || n < 16 || n > 231 {
		t.Fatalf("%s: not a 256-colour cube code", sgr)
	}
	level := []float64{0, 95, 135, 175, 215, 255}
	n -= 16
	r, g, b := level[n/36], level[n/6%6], level[n%6]
	hi, lo := max(r, g, b), min(r, g, b)
	if hi == lo {
		t.Fatalf("%s is grey", sgr)
	}
	var h float64
	switch hi {
	case r:
		h = math.Mod((g-b)/(hi-lo), 6)
	case g:
		h = (b-r)/(hi-lo) + 2
	default:
		h = (r-g)/(hi-lo) + 4
	}
	return math.Mod(h*60+360, 360)
}

func hueDistance(a, b float64) float64 {
	d := math.Abs(a - b)
	return min(d, 360-d)
}

// Seven topics get seven colours, spread around the colour wheel; a topic keeps its colour while it is
// among the most recent; a new topic past the palette takes the colour of the one seen longest ago.
func TestPrettyTopicColorsSpread(t *testing.T) {
	for _, topics := range [][]string{
		{"a", "b", "c", "d", "e", "f", "g"},
		{"home/kitchen/temp", "home/kitchen/humidity", "home/hall/temp", "home/hall/motion", "home/garage/door",
			"home/garage/temp", "home/attic/temp"},
	} {
		var c topicColors
		seen := map[string]string{}
		for round := range 3 {
			for _, tp := range topics {
				col := c.of(tp)
				if round > 0 && seen[tp] != col {
					t.Fatalf("%s changed colour from %s to %s", tp, seen[tp], col)
				}
				seen[tp] = col
			}
		}
		for i, a := range topics {
			for _, b := range topics[i+1:] {
				if d := hueDistance(paletteHue(t, seen[a]), paletteHue(t, seen[b])); d < 30 {
					t.Errorf("%s and %s: hues %s and %s only %.0f° apart", a, b, seen[a], seen[b], d)
				}
			}
		}
	}
	// The whole palette is in use before any colour is given twice.
	var c topicColors
	used := map[string]bool{}
	for i := range len(prettyPalette) {
		used[c.of("t/"+strconv.Itoa(i))] = true
	}
	if len(used) != len(prettyPalette) {
		t.Fatalf("%d topics got %d colours", len(prettyPalette), len(used))
	}
	c.of("t/0") // t/1 is now the one seen longest ago
	if got, want := c.of("new"), prettyPalette[1]; got != want {
		t.Errorf("a new topic got %s, want %s, the colour of the topic seen longest ago", got, want)
	}
	if got := c.of("t/0"); got != prettyPalette[0] {
		t.Errorf("t/0 lost its colour: %s", got)
	}
	// The header carries it.
	out := prettyString(t, PrettyOptions{Color: true}, &message.Message{Topic: "x/y", Payload: []byte("1")})
	if !strings.Contains(out, "\x1b["+prettyPalette[0]+"mx/y\x1b[0m") {
		t.Errorf("topic not in its colour: %q", out)
	}
}

// A large binary payload shows the first rows of its dump and its size, as a pager shows a screenful.
func TestPrettyLargeBinary(t *testing.T) {
	payload := make([]byte, 10<<10)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	got := prettyString(t, PrettyOptions{}, &message.Message{Topic: "img", Payload: payload})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 1+prettyHexRows+1 {
		t.Fatalf("%d lines, want the header, %d rows and the note:\n%s", len(lines), prettyHexRows, got)
	}
	if want := "  00000070  "; !strings.HasPrefix(lines[prettyHexRows], want) {
		t.Errorf("last row %q, want it to start %q", lines[prettyHexRows], want)
	}
	if want := "  … (10240 bytes, 128 shown)"; lines[len(lines)-1] != want {
		t.Errorf("note %q, want %q", lines[len(lines)-1], want)
	}
	// A narrow terminal: rows of 8, so fewer bytes.
	got = prettyString(t, PrettyOptions{Width: 60}, &message.Message{Topic: "img", Payload: payload})
	if !strings.HasSuffix(got, "  … (10240 bytes, 64 shown)\n") {
		t.Errorf("narrow: %q", got[len(got)-60:])
	}
	// Exactly the rows shown: no note.
	got = prettyString(t, PrettyOptions{}, &message.Message{Topic: "img", Payload: payload[:128]})
	if strings.Contains(got, "…") {
		t.Errorf("128 bytes were cut:\n%s", got)
	}
}

func TestPrettySent(t *testing.T) {
	at := prettyTime
	long := strings.Repeat("0123456789", 20)
	cases := []struct {
		name  string
		width int
		m     message.Message
		want  string
	}{
		{"qos 0", 0, message.Message{Topic: "a/b", Payload: []byte("21.5")}, "15:04:05.678  a/b  q0  21.5\n"},
		{"qos 1 with its packet id, retained", 0, message.Message{Topic: "a/b", QoS: 1, MID: 7, Retain: true, Payload: []byte("x")},
			"15:04:05.678  a/b  q1 mid=7 retained  x\n"},
		{"empty", 0, message.Message{Topic: "a", QoS: 2, MID: 65535}, "15:04:05.678  a  q2 mid=65535  (empty)\n"},
		{"first line only", 0, message.Message{Topic: "a", Payload: []byte("one\r\ntwo\n")}, "15:04:05.678  a  q0  one … (9 bytes)\n"},
		{"a final line end is no cut", 0, message.Message{Topic: "a", Payload: []byte("one\n")}, "15:04:05.678  a  q0  one\n"},
		{"cut to the width", 60, message.Message{Topic: "a", Payload: []byte(long)},
			"15:04:05.678  a  q0  " + long[:59-21-len(" . (200 bytes)")] + " … (200 bytes)\n"},
		{"controls made visible", 0, message.Message{Topic: "a\x1b", Payload: []byte("text with an escape \x1b[2J in it")}, "15:04:05.678  a␛  q0  text with an escape ␛[2J in it\n"},
		{"binary as hex", 0, message.Message{Topic: "b", Payload: []byte{0, 1, 0xff}}, "15:04:05.678  b  q0  00 01 ff\n"},
		{"large binary", 40, message.Message{Topic: "b", Payload: make([]byte, 10240)}, "15:04:05.678  b  q0  00 … (10240 bytes)\n"},
	}
	for _, c := range cases {
		p := NewPretty(PrettyOptions{Location: time.UTC, Width: c.width})
		p.day = 2026*1000 + 2 // the date line is tested with the records
		if got := string(p.AppendSent(nil, &c.m, at)); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
		if c.width > 0 {
			if got := p.AppendSent(nil, &c.m, at); len([]rune(string(got)))-1 > c.width {
				t.Errorf("%s: %d columns, wider than %d", c.name, len([]rune(string(got)))-1, c.width)
			}
		}
	}
	// The first line of a run says the date; colour as in the view.
	p := NewPretty(PrettyOptions{Location: time.UTC, Color: true})
	got := string(p.AppendSent(nil, &message.Message{Topic: "a", QoS: 1, MID: 1, Payload: []byte("x")}, at))
	want := "\x1b[2m── 2026-01-02 Friday ──\x1b[0m\n\x1b[2m15:04:05.678\x1b[0m  \x1b[38;5;160ma\x1b[0m  \x1b[2mq1 mid=1\x1b[0m  x\n"
	if got != want {
		t.Errorf("colour:\ngot  %q\nwant %q", got, want)
	}
}
