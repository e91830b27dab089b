package watch

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

func TestStoreCopiesWhatItKeeps(t *testing.T) {
	s := NewStore(StoreOptions{History: 3, MaxPayload: 4})
	buf := []byte("abcdef")
	topic := []byte("t/1")
	m := message.Message{Topic: string(topic), Payload: buf, QoS: 2, Retain: true, Received: t0}
	s.Add(&m)
	copy(buf, "XXXXXX")
	h := s.History("t/1")
	if len(h) != 1 || string(h[0].Payload) != "abcd" || h[0].Size != 6 || h[0].QoS != 2 || !h[0].Retain || !h[0].At.Equal(t0) {
		t.Fatalf("history %+v", h)
	}
	for i := range 5 {
		s.Add(&message.Message{Topic: "t/1", Payload: []byte(fmt.Sprint(i))})
	}
	var got []string
	for _, e := range s.History("t/1") {
		got = append(got, string(e.Payload))
	}
	if fmt.Sprint(got) != "[2 3 4]" || s.Count("t/1") != 6 || s.Total() != 6 || s.Count("none") != 0 || s.History("none") != nil {
		t.Errorf("history %v count %d total %d", got, s.Count("t/1"), s.Total())
	}
}

// A steady stream on known topics allocates nothing: the rings reuse their buffers.
func TestStoreAddAllocatesNothing(t *testing.T) {
	s := NewStore(StoreOptions{})
	m := message.Message{Topic: "sensor/1", Payload: []byte("21.5"), Received: t0}
	for range 100 {
		s.Add(&m)
	}
	if n := testing.AllocsPerRun(1000, func() { s.Add(&m) }); n != 0 {
		t.Errorf("%v allocations per message", n)
	}
}

func TestSnapshotCopiesOnlyWhatChanged(t *testing.T) {
	s := NewStore(StoreOptions{})
	s.Add(&message.Message{Topic: "b", Payload: []byte("1")})
	s.Add(&message.Message{Topic: "a", Payload: []byte("2")})
	var snap Snapshot
	s.Snapshot(&snap)
	if len(snap.Topics) != 2 || snap.Topics[0].Name != "a" || snap.Total != 2 {
		t.Fatalf("%+v", snap)
	}
	a := snap.Topics[0]
	a.Count = 99 // a view's change is overwritten only when the store's topic changes
	s.Add(&message.Message{Topic: "b", Payload: []byte("3")})
	s.SetStatus("reconnecting")
	s.Snapshot(&snap)
	if a.Count != 99 || snap.Topics[1].Count != 2 || string(snap.Topics[1].Last.Payload) != "3" || snap.Status != "reconnecting" {
		t.Errorf("a %d, b %d %q, status %q", a.Count, snap.Topics[1].Count, snap.Topics[1].Last.Payload, snap.Status)
	}
	if snap.Find("b") != 1 || snap.Find("c") != -1 {
		t.Error("Find")
	}
}

func TestDefaultNumber(t *testing.T) {
	for p, want := range map[string]any{
		"21.5": 21.5, " -3\n": -3.0, "1e3": 1000.0, "+.5": 0.5,
		"": nil, "abc": nil, "21.5 C": nil, `{"t":1}`: nil, "NaN": nil, "Inf": nil, "1e999": nil, "0x10": nil,
	} {
		f, ok := DefaultNumber(&message.Message{Payload: []byte(p)})
		if want == nil && ok || want != nil && (!ok || f != want) {
			t.Errorf("%q: %v %v, want %v", p, f, ok, want)
		}
	}
	s := NewStore(StoreOptions{Number: func(m *message.Message) (float64, bool) { return float64(len(m.Payload)), true }})
	s.Add(&message.Message{Topic: "x", Payload: []byte("abc")})
	var snap Snapshot
	s.Snapshot(&snap)
	if fmt.Sprint(snap.Topics[0].Samples) != "[3]" {
		t.Errorf("samples %v", snap.Topics[0].Samples)
	}
}

func TestDefaultDecoder(t *testing.T) {
	for _, tc := range []struct{ payload, line, pretty string }{
		{"", "", ""},
		{"21.5", "21.5", "21.5"},
		{"two\nlines", "two\nlines", "two\nlines"},
		{` {"a": [1, 2]} `, `{"a":[1,2]}`, "{\n  \"a\": [\n    1,\n    2\n  ]\n}"},
		{"[1", "[1", "[1"},
		{"\x00\xffab", "00 ff 61 62", "00000000  00 ff 61 62                                       |..ab|"},
	} {
		line, pretty := DefaultDecoder(&message.Message{Payload: []byte(tc.payload)})
		if line != tc.line || pretty != tc.pretty {
			t.Errorf("%q: %q %q, want %q %q", tc.payload, line, pretty, tc.line, tc.pretty)
		}
	}
	long := make([]byte, 40)
	_, dump := DefaultDecoder(&message.Message{Payload: long})
	if lines := strings.Split(dump, "\n"); len(lines) != 3 || !strings.HasPrefix(lines[2], "00000020  00 00") {
		t.Errorf("dump %q", dump)
	}
}

func TestFigures(t *testing.T) {
	for r, want := range map[float64]string{0: "0", 0.25: "0.25", 9.994: "9.99", 12.5: "12.5", 99.96: "100", 950: "950",
		999.6: "1.00k", 20000: "20.0k", 123456: "123k", 1.25e6: "1.25M"} {
		if got := rateText(r); got != want || len(got) > rateWidth {
			t.Errorf("rate %v: %q, want %q", r, got, want)
		}
	}
	for d, want := range map[time.Duration]string{-time.Second: "0.0s", 400 * time.Millisecond: "0.4s", 12 * time.Second: "12s",
		5 * time.Minute: "5m", 3 * time.Hour: "3h", 300 * time.Hour: "12d"} {
		if got := ageText(d); got != want || len(got) >= ageWidth {
			t.Errorf("age %v: %q, want %q", d, got, want)
		}
	}
	for _, tc := range []struct {
		samples []float64
		w       int
		want    string
	}{
		{nil, 4, "    "},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8}, 8, "▁▂▃▄▅▆▇█"},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8}, 3, "▁▄█"},
		{[]float64{5, 5}, 3, " ▅▅"},
	} {
		if got := sparkline(tc.samples, tc.w); got != tc.want {
			t.Errorf("sparkline %v %d: %q, want %q", tc.samples, tc.w, got, tc.want)
		}
	}
}

func TestLineDiff(t *testing.T) {
	d, ok := lineDiff("a\nb\nc\nd", "a\nc\nx\nd")
	var got []string
	for _, l := range d {
		got = append(got, string(l.Op)+l.Text)
	}
	if !ok || fmt.Sprint(got) != "[ a -b  c +x  d]" {
		t.Errorf("%v", got)
	}
	if _, ok := lineDiff(strings.Repeat("x\n", maxDiffLines+1), "x"); ok {
		t.Error("no bound")
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "tab\tnl\n": "tab␉nl␊", "\x1b[1m": "␛[1m", "\x7f\u0085é": "␡�é", "\xff": "�",
	} {
		if got := visible(in, false); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if got := visible("a\tb\nc", true); got != "a    b\nc" {
		t.Errorf("multiline %q", got)
	}
}

// A stateful decoder sees every message in order, on the feed's goroutine, and the view shows its words.
func TestStoreDecodesInOrder(t *testing.T) {
	var seen []string
	dec := func(m *message.Message) (string, string) {
		seen = append(seen, string(m.Payload))
		return "#" + strconv.Itoa(len(seen)), "pretty #" + strconv.Itoa(len(seen))
	}
	hs := newHarness(t, Options{Decode: func(*message.Message) (string, string) { return "view", "view" }}, 80, 20)
	hs.store = NewStore(StoreOptions{Decode: dec})
	hs.m.store = hs.store
	for _, p := range []string{"a", "b", "c"} {
		hs.pub("t", p, 0, false)
	}
	hs.frame(time.Second)
	if fmt.Sprint(seen) != "[a b c]" {
		t.Errorf("decoded %v", seen)
	}
	if row := hs.rowOf("t"); !strings.HasSuffix(row, " #3") {
		t.Errorf("row %q", row)
	}
	hs.key("enter")
	hs.want("  pretty #3", "- pretty #2", "q0    #1")
}
