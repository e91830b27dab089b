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

func TestLookup(t *testing.T) {
	doc := []byte(` {"a": {"b": [1, 2], "c": null, "d": "x"}, "e": 2.5, "a2": 1, "e": 3} `)
	for _, tt := range []struct {
		path []string
		want any
		ok   bool
	}{
		{[]string{"e"}, 3, true}, // the last duplicate
		{[]string{"a", "b"}, []any{1, 2}, true},
		{[]string{"a", "c", "x"}, nil, true},
		{[]string{"a", "nope"}, nil, true},
		{[]string{"a", "d", "x"}, nil, false}, // jq: cannot index string
		{[]string{"a", "b", "x"}, nil, false},
		{nil, nil, true},
	} {
		var p Parser
		v, ok := p.Lookup(doc, tt.path)
		if ok != tt.ok || ok && tt.path != nil && !reflect.DeepEqual(v, tt.want) {
			t.Errorf("%v: %#v %v", tt.path, v, ok)
		}
	}
	var p Parser
	if _, ok := p.Lookup([]byte(`{"a\u0062":1}`), []string{"ab"}); ok {
		t.Error("an escaped key took the fast path")
	}
}

// FuzzValid: Valid agrees with encoding/json, and Lookup with a full parse.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":{"b":1},"a":{"b":2}}`, `[1,{"x":"\u00e9"}]`, `{"a":null}`, `"\ud800"`, "{\"a\":\"\xff\"}", ` 1e5 `, `{"a":[}`} {
		f.Add([]byte(s), "a", "b")
	}
	f.Fuzz(func(t *testing.T, data []byte, k1, k2 string) {
		if Valid(data) != json.Valid(data) {
			t.Fatalf("Valid %v, json.Valid %v", Valid(data), json.Valid(data))
		}
		if !Valid(data) {
			return
		}
		var p Parser
		v, ok := p.Lookup(data, []string{k1, k2})
		if !ok {
			return
		}
		full, err := p.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		want, wok := walk(full, k1, k2)
		if !wok || !reflect.DeepEqual(normal(v), normal(want)) {
			t.Fatalf("Lookup %#v, parse %#v (%v)", v, want, wok)
		}
	})
}

func walk(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		switch x := v.(type) {
		case nil:
			return nil, true
		case map[string]any:
			v = x[k]
		default:
			return nil, false
		}
	}
	return v, true
}

func BenchmarkValid(b *testing.B) {
	in := []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`)
	b.ReportAllocs()
	for b.Loop() {
		if !Valid(in) {
			b.Fatal()
		}
	}
}

func BenchmarkStdlibValid(b *testing.B) {
	in := []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`)
	b.ReportAllocs()
	for b.Loop() {
		if !json.Valid(in) {
			b.Fatal()
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	in := []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`)
	var p Parser
	path := []string{"temp"}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := p.Lookup(in, path); !ok {
			b.Fatal()
		}
	}
}
