package template

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct {
		text  string
		index int
		id    string
		seq   uint64
		want  string
	}{
		{"bench/%i", 7, "c7", 3, "bench/7"},
		{"bench/%c/%s", 7, "pub-7", 42, "bench/pub-7/42"},
		{"100%%/%i%i", 12, "", 0, "100%/1212"},
		{"plain", 1, "x", 1, "plain"},
		{"", 1, "x", 1, ""},
	}
	for _, c := range cases {
		tp, err := Parse(c.text, Index, ClientID, Sequence)
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		cl := tp.For(c.index, c.id)
		if got := cl.Render(c.seq); got != c.want {
			t.Errorf("%q: Render %q, want %q", c.text, got, c.want)
		}
		if got := string(cl.Append(nil, c.seq)); got != c.want {
			t.Errorf("%q: Append %q, want %q", c.text, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"bench/%":  "lone %",
		"bench/%x": "%x at column 7",
		"id-%c":    "%c at column 4", // a client id cannot name itself
		"id-%s":    "not one of %i or %%",
	}
	for text, want := range cases {
		allowed := []byte{Index, ClientID, Sequence}
		if strings.HasPrefix(text, "id-") {
			allowed = []byte{Index}
		}
		_, err := Parse(text, allowed...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error containing %q", text, err, want)
		}
	}
}

func TestNoAllocationPerMessage(t *testing.T) {
	static, _ := Parse("bench/%c/data", Index, ClientID, Sequence)
	sc := static.For(3, "pub-3")
	if n := testing.AllocsPerRun(1000, func() { _ = sc.Render(9) }); n != 0 {
		t.Fatalf("a template without %%s: %v allocations per Render", n)
	}
	seq, _ := Parse("bench/%i/%s", Index, Sequence)
	qc := seq.For(3, "")
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(1000, func() { buf = qc.Append(buf[:0], 12345) }); n != 0 {
		t.Fatalf("Append with room: %v allocations", n)
	}
}

func BenchmarkAppendWithSequence(b *testing.B) {
	tp, _ := Parse("bench/%c/%s", Index, ClientID, Sequence)
	c := tp.For(3, "pub-3")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := range uint64(b.N) {
		buf = c.Append(buf[:0], i)
	}
}
