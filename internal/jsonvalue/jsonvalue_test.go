package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"testing"
)

func TestOrderedRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"b":1,"a":[true,false,null],"c":{"z":"x","y":-2.5}}`,
		`[]`, `{}`, `"\u00e9\n\"\\\u0001"`, `18446744073709551615`, `-9223372036854775808`,
		`123456789012345678901234567890`, `1e-7`, `1.5e+300`, `0.1`, `[{"k":[[]]}]`,
	} {
		var p Parser
		v, err := p.ParseOrdered([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got := Append(nil, v)
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(in)); err != nil {
			t.Fatal(err)
		}
		// encoding/json would write é raw and \u0001 as \u0001: compare through a decode.
		if !jsonEqual(t, got, want.Bytes()) {
			t.Errorf("%s: got %s", in, got)
		}
	}
}

func TestOrderKept(t *testing.T) {
	var p Parser
	v, err := p.ParseOrdered([]byte(` { "z" : 1 , "a" : 2 , "m" : { "y" : 1 , "b" : 2 } } `))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(Append(nil, v)); got != `{"z":1,"a":2,"m":{"y":1,"b":2}}` {
		t.Errorf("got %s", got)
	}
}

func TestParseGivesGojqTypes(t *testing.T) {
	var p Parser
	v, err := p.Parse([]byte(`{"i":3,"f":2.5,"big":123456789012345678901234567890,"s":"x","a":[1],"n":null}`))
	if err != nil {
		t.Fatal(err)
	}
	big, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	want := map[string]any{"i": 3, "f": 2.5, "big": big, "s": "x", "a": []any{1}, "n": nil}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v", v)
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"}`, `[1,]`, `01`, `1.`, `"\x"`, "\"a\x01\"", `tru`, `{} x`, `"\u12"`, `-`} {
		var p Parser
		if _, err := p.Parse([]byte(in)); err == nil {
			t.Errorf("%q parsed", in)
		}
		if _, err := AppendCompact(nil, []byte(in)); err == nil {
			t.Errorf("%q compacted", in)
		}
	}
}

func TestAppendCompact(t *testing.T) {
	got, err := AppendCompact([]byte("x"), []byte(" { \"a b\" : [ 1 , \"\\\" \" ] ,\n\"c\":\"\xff\" } "))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `x{"a b":[1,"\" "],"c":"\ufffd"}` {
		t.Errorf("got %s", got)
	}
}

func TestAppendSpecials(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{
		{math.NaN(), `"NaN"`}, {math.Inf(1), `"Infinity"`}, {math.Inf(-1), `"-Infinity"`},
		{float32(21.1), `21.1`}, {float64(float32(21.1)), `21.100000381469727`}, {1e21, `1e+21`}, {1e-7, `1e-7`},
		{[]byte{0, 1, 2}, `"AAEC"`}, {uint64(math.MaxUint64), `18446744073709551615`},
		{"\xff<>&\u2028", `"\ufffd<>&` + "\u2028" + `"`}, {map[string]any{"b": 1, "a": 2}, `{"a":2,"b":1}`},
		{Object{{"b", RawJSON(`[1]`)}}, `{"b":[1]}`},
	} {
		if got := string(Append(nil, tt.v)); got != tt.want {
			t.Errorf("%#v: got %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestToJQ(t *testing.T) {
	v, err := ToJQ(Object{{"f", float32(21.1)}, {"u", uint64(math.MaxUint64)}, {"b", []byte("hi")}, {"r", RawJSON(`{"x":[1]}`)}, {"i", int64(-3)}})
	if err != nil {
		t.Fatal(err)
	}
	u := new(big.Int).SetUint64(math.MaxUint64)
	want := map[string]any{"f": 21.1, "u": u, "b": "aGk=", "r": map[string]any{"x": []any{1}}, "i": -3}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v", v)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// FuzzParse: the parser accepts exactly what encoding/json accepts, and what it writes back is valid JSON
// that encoding/json reads as the same value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `"\ud83d\ude00"`, `"\ud800"`, `1e999`, `[[[]]]`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Parser
		v, err := p.ParseOrdered(data)
		if valid := json.Valid(data); (err == nil) != valid {
			t.Fatalf("parse err %v, json.Valid %v", err, valid)
		}
		if _, err := p.Parse(data); (err == nil) != json.Valid(data) {
			t.Fatalf("Parse disagrees with ParseOrdered: %v", err)
		}
		c, cerr := AppendCompact(nil, data)
		if (cerr == nil) != json.Valid(data) {
			t.Fatalf("compact err %v", cerr)
		}
		if err != nil {
			return
		}
		out := Append(nil, v)
		if !json.Valid(out) || !json.Valid(c) {
			t.Fatalf("wrote invalid JSON %q / %q", out, c)
		}
		var x, y any
		d := json.NewDecoder(bytes.NewReader(out))
		d.UseNumber()
		if d.Decode(&x) != nil {
			t.Fatal("re-decode")
		}
		d = json.NewDecoder(bytes.NewReader(c))
		d.UseNumber()
		if d.Decode(&y) != nil {
			t.Fatal("re-decode")
		}
		// A number too large for a float64 parses as ±Inf, which is written as a string.
		overflow := bytes.Contains(out, []byte(`Infinity"`)) && !bytes.Contains(data, []byte(`Infinity`))
		if !overflow && !reflect.DeepEqual(normal(x), normal(y)) {
			t.Fatalf("%q: wrote %s, compact %s", data, out, c)
		}
	})
}

// normal drops number spelling (1.0 vs 1, 1e2 vs 100), which Append normalises.
func normal(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = normal(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = normal(v[k])
		}
	}
	return v
}

func BenchmarkParse(b *testing.B) {
	in := []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`)
	var p Parser
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibUnmarshal(b *testing.B) {
	in := []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`)
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}
