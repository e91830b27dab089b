package payloadkind

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIsText(t *testing.T) {
	for _, c := range []struct {
		in   string
		text bool
	}{
		{"", true},
		{"hello", true},
		{"tabs\tand\r\nlines\n", true},
		{"héllo ✓", true},
		{"one escape \x1b[1m in some text", true},
		{"nul\x00", false},
		{"\x05", false},
		{"\x01\x02\x03abc", false},
		{"bad \xff utf-8", false},
		{"\u009b\u009bab", false},
	} {
		if got := IsText([]byte(c.in)); got != c.text {
			t.Errorf("IsText(%q) = %v, want %v", c.in, got, c.text)
		}
	}
}

func TestIsJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		``, ` `, `0`, `-0`, `01`, `-`, `1.`, `.5`, `1.5e`, `1e+9`, `1E-2`, `-12.50e3`, `+1`, `tru`, `true`, `nul`, `null `,
		`"`, `""`, `"\"`, `"\u12"`, `"\u12g4"`, `"\uD800"`, `"\x"`, "\"\x01\"", "\"\xff\"", "\"\x7f\"",
		`{}`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{1:2}`, `[]`, `[,]`, `[1,]`, `[1 2]`, `[[[]]]`,
		` {"a" : [1, {"b":null}] } `, `{} {}`, `[] x`, "\t[\r\n]\n", strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	} {
		if got, want := IsJSON([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("IsJSON(%.40q) = %v, json.Valid says %v", in, got, want)
		}
	}
}

func FuzzIsJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,true,null,"x\u0041"]}`, `[`, `-0.1`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := IsJSON(b), json.Valid(b); got != want {
			t.Fatalf("IsJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}
