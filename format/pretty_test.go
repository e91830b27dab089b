package format

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

var prettyTime = time.Date(2026, 1, 2, 15, 4, 5, 678_900_000, time.UTC)

// prettyDay is the line that starts the view of a message received at prettyTime.
const prettyDay = "── 2026-01-02 Friday ──\n"

func prettyString(t testing.TB, o PrettyOptions, ms ...*message.Message) string {
	t.Helper()
	if o.Location == nil {
		o.Location = time.UTC
	}
	p := NewPretty(o)
	var out []byte
	for _, m := range ms {
		var err error
		if out, err = p.Append(out, m); err != nil {
			t.Fatalf("Append(%q): %v", m.Topic, err)
		}
	}
	return string(out)
}

// sgrRE matches the escape sequences Pretty writes, and nothing else it may write.
var sgrRE = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestPrettyLayout(t *testing.T) {
	ct, expiry := byte(1), uint32(30)
	cases := []struct {
		name string
		o    PrettyOptions
		m    message.Message
		want string
	}{
		{"text", PrettyOptions{}, message.Message{Topic: "a/b", Payload: []byte("hello world")},
			"15:04:05.678  a/b  q0\n  hello world\n"},
		{"qos and retained", PrettyOptions{}, message.Message{Topic: "a/b", QoS: 2, Retain: true, Payload: []byte("x")},
			"15:04:05.678  a/b  q2 retained\n  x\n"},
		{"lines are indented, one final line end dropped", PrettyOptions{},
			message.Message{Topic: "t", Payload: []byte("one\r\ntwo\n\tthree\n")},
			"15:04:05.678  t  q0\n  one\n  two\n  \tthree\n"},
		{"empty", PrettyOptions{}, message.Message{Topic: "t"},
			"15:04:05.678  t  q0\n  (empty)\n"},
		{"json", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte(`{"a":1,"b":[true,null,"x"],"c":{},"d":[ ]}`)},
			"15:04:05.678  t  q0\n  {\n    \"a\": 1,\n    \"b\": [\n      true,\n      null,\n      \"x\"\n    ],\n    \"c\": {},\n    \"d\": []\n  }\n"},
		{"json scalar", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte(" 42 ")},
			"15:04:05.678  t  q0\n  42\n"},
		{"not json is text", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte(`{"a":1`)},
			"15:04:05.678  t  q0\n  {\"a\":1\n"},
		{"v5 properties", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte("x"), Props: &message.Properties{
			ContentType: "text/plain", PayloadFormat: &ct,
			User: []message.UserProperty{{Key: "unit", Value: "C"}, {Key: "a b", Value: "x=y"}, {Key: "k", Value: ""}}}},
			"15:04:05.678  t  q0  content-type=text/plain unit=C \"a b\"=\"x=y\" k=\"\"\n  x\n"},
		{"properties not summarised are not shown", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte("x"),
			Props: &message.Properties{ResponseTopic: "r", MessageExpiry: &expiry}},
			"15:04:05.678  t  q0\n  x\n"},
		{"verbose", PrettyOptions{Verbose: true}, message.Message{Topic: "t", Dup: true, MID: 7, Payload: []byte("x"),
			Props: &message.Properties{ContentType: "c", PayloadFormat: &ct, MessageExpiry: &expiry, ResponseTopic: "r/1",
				CorrelationData: []byte{1, 0xff}, SubscriptionIDs: []int{3, 4}}},
			"15:04:05.678  t  q0 dup mid=7  content-type=c payload-format=1 expiry=30s response-topic=r/1 correlation-data=0x01ff subscription-id=3 subscription-id=4\n  x\n"},
		{"outgoing message has no time", PrettyOptions{}, message.Message{Topic: "t", Payload: []byte("x"), Received: time.Time{}},
			"--:--:--.---  t  q0\n  x\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, want := c.m, c.want
			if c.name != "outgoing message has no time" {
				m.Received, want = prettyTime, prettyDay+want
			}
			if got := prettyString(t, c.o, &m); got != want {
				t.Errorf("got\n%s\nwant\n%s\n%q", got, want, got)
			}
		})
	}
}

func TestPrettyLocation(t *testing.T) {
	zone := time.FixedZone("X", -(3*3600 + 30*60))
	got := prettyString(t, PrettyOptions{Location: zone}, &message.Message{Topic: "t", Payload: []byte("x"), Received: prettyTime})
	if !strings.HasPrefix(got, "── 2026-01-02 Friday ──\n11:34:05.678  ") {
		t.Errorf("got %q, want the clock in the given zone", got)
	}
}

func TestPrettyColorGolden(t *testing.T) {
	m := &message.Message{Topic: "sensors/kitchen/temp", QoS: 1, Retain: true, Received: prettyTime,
		Payload: []byte(`{"t":-21.5e1,"ok":false,"tags":["a"],"n":null}`),
		Props:   &message.Properties{ContentType: "application/json"}}
	want := "\x1b[2m── 2026-01-02 Friday ──\x1b[0m\n" +
		"\x1b[2m15:04:05.678\x1b[0m  \x1b[38;5;160msensors/kitchen/temp\x1b[0m  \x1b[2mq1\x1b[0m \x1b[1mretained\x1b[0m  \x1b[2mcontent-type=application/json\x1b[0m\n" +
		"  {\n" +
		"    \x1b[34m\"t\"\x1b[0m: \x1b[36m-21.5e1\x1b[0m,\n" +
		"    \x1b[34m\"ok\"\x1b[0m: \x1b[35mfalse\x1b[0m,\n" +
		"    \x1b[34m\"tags\"\x1b[0m: [\n" +
		"      \x1b[32m\"a\"\x1b[0m\n" +
		"    ],\n" +
		"    \x1b[34m\"n\"\x1b[0m: \x1b[35mnull\x1b[0m\n" +
		"  }\n"
	if got := prettyString(t, PrettyOptions{Color: true}, m); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	// The other views' colours.
	for _, c := range []struct {
		payload string
		want    string
	}{
		{"", "  \x1b[2m(empty)\x1b[0m\n"},
		{"text with a\x01b", "  text with a\x1b[2m␁\x1b[0mb\n"},
		{"\x00\x01", "  \x1b[2m00000000\x1b[0m  00 01" + strings.Repeat(" ", 43) + "  |..|\n"},
	} {
		got := prettyString(t, PrettyOptions{Color: true}, &message.Message{Topic: "t", Payload: []byte(c.payload)})
		if _, body, _ := strings.Cut(got, "\n"); body != c.want {
			t.Errorf("%q: got %q, want %q", c.payload, body, c.want)
		}
	}
}

// Colour changes nothing but the escape sequences: stripped, the coloured view is the plain one, and a JSON
// payload is laid out as encoding/json.Indent lays it out.
func TestPrettyColorIsOnlyEscapes(t *testing.T) {
	docs := []string{
		`{"a":1,"b":[true,false,null,-1.5e-3,"x\"y\\z\u001b"],"c":{"d":{"e":[]}},"f":{}}`,
		`[1, 2 , [ 3 ,{ } ] ]`,
		`"just a string"`,
		"{\n\t\"k\" : \"é ✓ 日本\"\r\n}",
	}
	for _, doc := range docs {
		m := &message.Message{Topic: "t/" + doc, Payload: []byte(doc)}
		plain := prettyString(t, PrettyOptions{}, m)
		colored := prettyString(t, PrettyOptions{Color: true}, m)
		if stripped := sgrRE.ReplaceAllString(colored, ""); stripped != plain {
			t.Errorf("%s: stripped colour view\n%q\nplain view\n%q", doc, stripped, plain)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(doc), "  ", "  "); err != nil {
			t.Fatal(err)
		}
		if _, body, _ := strings.Cut(plain, "\n"); body != "  "+want.String()+"\n" {
			t.Errorf("%s: got\n%s\nwant json.Indent's\n  %s", doc, body, want.String())
		}
	}
}

// Nothing a publisher controls reaches the terminal as a control character: without colour the output holds
// no ESC at all, with colour only Pretty's own SGR sequences, and never a C1 control (U+009B is CSI).
func TestPrettyNoEscapesFromMessages(t *testing.T) {
	hostile := "x\x1b[2J\x1b]0;title\x07\u009b31m\x7f\r\x00y"
	ms := []*message.Message{
		{Topic: hostile, Payload: []byte("text " + hostile)},
		{Topic: "t", Payload: []byte(hostile + strings.Repeat("binary", 1))},
		{Topic: "t", Payload: []byte(`{"k\u001b":"\u009b` + "\u009b\x7f\xff" + `"}`)},
		{Topic: "t", Payload: []byte("ok"), Props: &message.Properties{ContentType: hostile, ResponseTopic: hostile,
			CorrelationData: []byte(hostile), User: []message.UserProperty{{Key: hostile, Value: hostile}}}},
		{Topic: "t", Payload: []byte("text\x1b[31m\xc2\x9b\x7f then invalid \xff\xfe UTF-8 is binary")},
		{Topic: "t", Payload: []byte("mostly text with one escape\x1b[31m and a C1 \u009b control")},
	}
	for _, verbose := range []bool{false, true} {
		plain := prettyString(t, PrettyOptions{Verbose: verbose}, ms...)
		colored := prettyString(t, PrettyOptions{Color: true, Verbose: verbose}, ms...)
		for name, out := range map[string]string{"plain": plain, "colour": sgrRE.ReplaceAllString(colored, "")} {
			for _, r := range out {
				if (r < ' ' && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
					t.Errorf("%s view holds control %U:\n%q", name, r, out)
					break
				}
			}
		}
	}
}

// Each topic colour is readable on a black and on a white background: WCAG contrast of at least 3 against both,
// using xterm's 256-colour cube.
func TestPrettyPaletteContrast(t *testing.T) {
	level := []float64{0, 95, 135, 175, 215, 255}
	lum := func(c float64) float64 {
		c /= 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	for _, sgr := range prettyPalette {
		n, err := strconv.Atoi(strings.TrimPrefix(sgr, "38;5;"))
		if err != nil || n < 16 || n > 231 {
			t.Fatalf("%s: not a 256-colour cube code", sgr)
		}
		n -= 16
		r, g, b := level[n/36], level[n/6%6], level[n%6]
		l := 0.2126*lum(r) + 0.7152*lum(g) + 0.0722*lum(b)
		onBlack, onWhite := (l+0.05)/0.05, 1.05/(l+0.05)
		if onBlack < 3 || onWhite < 3 {
			t.Errorf("%s: contrast %.1f on black, %.1f on white", sgr, onBlack, onWhite)
		}
	}
}

func TestPrettyHexDump(t *testing.T) {
	payload := []byte("\x00\x01\x02hello, binary world\xff\xfe\x7f")
	want16 := "" +
		"  00000000  00 01 02 68 65 6c 6c 6f  2c 20 62 69 6e 61 72 79  |...hello, binary|\n" +
		"  00000010  20 77 6f 72 6c 64 ff fe  7f                       | world...|\n"
	want8 := "" +
		"  00000000  00 01 02 68  65 6c 6c 6f  |...hello|\n" +
		"  00000008  2c 20 62 69  6e 61 72 79  |, binary|\n" +
		"  00000010  20 77 6f 72  6c 64 ff fe  | world..|\n" +
		"  00000018  7f                        |.|\n"
	for _, c := range []struct {
		width int
		want  string
	}{{0, want16}, {80, want16}, {200, want16}, {79, want8}, {40, want8}} {
		got := prettyString(t, PrettyOptions{Width: c.width}, &message.Message{Topic: "t", Payload: payload})
		if _, body, _ := strings.Cut(got, "\n"); body != c.want {
			t.Errorf("width %d: got\n%s\nwant\n%s", c.width, body, c.want)
		}
		if c.want == want16 && len("  00000000  00 01 02 68 65 6c 6c 6f  2c 20 62 69 6e 61 72 79  |...hello, binary|") != prettyHexRowWidth(16) {
			t.Errorf("prettyHexRowWidth(16) = %d", prettyHexRowWidth(16))
		}
	}
}

func FuzzPrettyValidJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,true,null,"x\u0041"]}`, `[`, `-0.1`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if out := prettyString(t, PrettyOptions{}, &message.Message{Topic: "t", Payload: b}); strings.ContainsRune(out, 0x1b) {
			t.Fatalf("escape in %q", out)
		}
		sent := NewPretty(PrettyOptions{Width: 40}).AppendSent(nil, &message.Message{Topic: string(b), Payload: b}, prettyTime)
		if bytes.ContainsRune(sent, 0x1b) || bytes.Count(sent, []byte("\n")) != 2 {
			t.Fatalf("pub -v line for %q: %q", b, sent)
		}
	})
}

func TestPrettyTextControlsVisible(t *testing.T) {
	got := prettyString(t, PrettyOptions{}, &message.Message{Topic: "a\x1bb\u009b", Received: prettyTime, Payload: []byte("bell\a, lone cr\r, del\x7f and C1\u0085 are shown; the rest is text")})
	want := prettyDay + "15:04:05.678  a␛b\\u009b  q0\n  bell␇, lone cr␍, del␡ and C1\\u0085 are shown; the rest is text\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPrettyCut(t *testing.T) {
	note := func(total, shown int) string {
		return "  … (" + strconv.Itoa(total) + " bytes, " + strconv.Itoa(shown) + " shown)\n"
	}
	cases := []struct {
		name    string
		max     int
		payload string
		want    string
	}{
		{"text fits", 5, "hello", "  hello\n"},
		{"text", 5, "hello world", "  hello\n" + note(11, 5)},
		{"text cut before a split rune", 5, "abcd✓✓", "  abcd\n" + note(10, 4)},
		{"binary", 4, "\x00\x01\x02\x03\x04\x05", "  00000000  00 01 02 03" + strings.Repeat(" ", 37) + "  |....|\n" + note(6, 4)},
		{"json stops before a short token", 8, `{"a":1,"b":2}`, "  {\n    \"a\": 1,\n" + note(13, 7)},
		{"json stops after a token", 6, `{"a":1}`, "  {\n    \"a\": 1\n" + note(7, 6)},
		{"json cuts a long string", 8, `["` + strings.Repeat("x", 100) + `"]`, "  [\n    \"xxxxxx\n" + note(104, 8)},
		{"json shows a first token cut", 4, `"abcdefgh"`, "  \"abc\n" + note(10, 4)},
		{"default is 4096", 0, strings.Repeat("x", 5000), "  " + strings.Repeat("x", 4096) + "\n" + note(5000, 4096)},
	}
	for _, c := range cases {
		got := prettyString(t, PrettyOptions{MaxPayload: c.max}, &message.Message{Topic: "t", Payload: []byte(c.payload)})
		if _, body, _ := strings.Cut(got, "\n"); body != c.want {
			t.Errorf("%s: got\n%q\nwant\n%q", c.name, body, c.want)
		}
	}
	got := prettyString(t, PrettyOptions{MaxPayload: 2, Color: true}, &message.Message{Topic: "t", Payload: []byte("abc")})
	if !strings.HasSuffix(got, "  ab\n  \x1b[2m… (3 bytes, 2 shown)\x1b[0m\n") {
		t.Errorf("coloured note: %q", got)
	}
}

func TestPrettyDoesNotAllocate(t *testing.T) {
	ms := []*message.Message{benchMessage(), prettyTextMessage(), {Topic: "b", Payload: []byte("\x00\x01\x02\x03 binary")}}
	ms[0].Props = &message.Properties{ContentType: "application/json", User: []message.UserProperty{{Key: "k", Value: "v w"}}}
	for _, color := range []bool{false, true} {
		p := NewPretty(PrettyOptions{Color: color, Verbose: true, Location: time.UTC})
		buf := make([]byte, 0, 8192)
		for _, m := range ms {
			if allocs := testing.AllocsPerRun(200, func() { buf, _ = p.Append(buf[:0], m) }); allocs != 0 {
				t.Errorf("color %v, %q: %v allocations per message", color, m.Topic, allocs)
			}
			if allocs := testing.AllocsPerRun(200, func() { buf = p.AppendSent(buf[:0], m, m.Received) }); allocs != 0 {
				t.Errorf("color %v, %q: %v allocations per sent message", color, m.Topic, allocs)
			}
		}
		// Topics taking turns, once each has its colour; and a new day.
		var topics []*message.Message
		for i := range 7 {
			m := *benchMessage()
			m.Topic += strconv.Itoa(i)
			m.Received = m.Received.Add(time.Duration(i) * 6 * time.Hour)
			topics = append(topics, &m)
		}
		for _, m := range topics {
			buf, _ = p.Append(buf[:0], m)
		}
		i := 0
		if allocs := testing.AllocsPerRun(200, func() { buf, _ = p.Append(buf[:0], topics[i%7]); i++ }); allocs != 0 {
			t.Errorf("color %v, seven topics: %v allocations per message", color, allocs)
		}
	}
}

func prettyTextMessage() *message.Message {
	return &message.Message{
		Topic:    "logs/building-7/gateway",
		Payload:  []byte("2026-01-04T21:04:05Z gateway: link up on eth0 (1000 Mb/s, full duplex)\nretrying upstream in 5s"),
		Received: time.Unix(1704402245, 123456789),
	}
}

func BenchmarkPretty(b *testing.B) {
	for _, c := range []struct {
		name string
		m    *message.Message
	}{{"json", benchMessage()}, {"text", prettyTextMessage()}} {
		for _, color := range []bool{false, true} {
			name := c.name
			if color {
				name += "/color"
			}
			b.Run(name, func(b *testing.B) {
				p := NewPretty(PrettyOptions{Color: color, Location: time.UTC})
				buf := make([]byte, 0, 4096)
				b.ReportAllocs()
				for b.Loop() {
					buf, _ = p.Append(buf[:0], c.m)
				}
				b.SetBytes(int64(len(buf)))
			})
		}
	}
}
