package cbor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"mqtt/internal/jsonvalue"
	"mqtt/internal/pycheck"
)

func decodeJSON(t testing.TB, data []byte) string {
	t.Helper()
	v, err := NewDecoder().Decode(data)
	if err != nil {
		t.Fatalf("%x: %v", data, err)
	}
	return string(jsonvalue.Append(nil, v))
}

// RFC 8949 Appendix A examples, as §6.1 converts them.
func TestDecodeRFCExamples(t *testing.T) {
	for _, tt := range []struct{ hex, want string }{
		{"00", "0"}, {"1bffffffffffffffff", "18446744073709551615"}, {"3bffffffffffffffff", "-18446744073709551616"},
		{"c249010000000000000000", "18446744073709551616"}, {"c349010000000000000000", "-18446744073709551617"},
		{"f93c00", "1"}, {"f97bff", "65504"}, {"fa47c35000", "100000"}, {"fb3ff199999999999a", "1.1"},
		{"f97c00", `"Infinity"`}, {"f97e00", `"NaN"`}, {"fbfff0000000000000", `"-Infinity"`},
		{"f4", "false"}, {"f6", "null"}, {"f7", "null"}, {"f0", "null"},
		{"c074323031332d30332d32315432303a30343a30305a", `"2013-03-21T20:04:00Z"`}, {"c11a514b67b0", "1363896240"},
		{"d74401020304", `"AQIDBA=="`}, {"6449455446", `"IETF"`}, {"62225c", `"\"\\"`},
		{"a201020304", `{"1":2,"3":4}`}, {"a26161016162820203", `{"a":1,"b":[2,3]}`},
		{"bf61610161629f0203ffff", `{"a":1,"b":[2,3]}`}, {"5f42010243030405ff", `"AQIDBAU="`},
		{"7f657374726561646d696e67ff", `"streaming"`}, {"9f018202039f0405ffff", "[1,[2,3],[4,5]]"},
		{"a2616201616101", `{"b":1,"a":1}`}, // wire order kept
	} {
		b, _ := hex.DecodeString(tt.hex)
		if got := decodeJSON(t, b); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.hex, got, tt.want)
		}
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, h := range []string{"", "18", "a1", "ff", "0000", "62ff", "7f61", "9f", "c2", "fc", "1c"} {
		b, _ := hex.DecodeString(h)
		if _, err := NewDecoder().Decode(b); err == nil {
			t.Errorf("%q decoded", h)
		}
	}
	deep := bytes.Repeat([]byte{0x81}, maxNesting+1)
	if _, err := NewDecoder().Decode(append(deep, 0)); err == nil {
		t.Error("nesting past the limit decoded")
	}
}

var roundTrips = []string{
	`{"temp":21.5,"id":"sensor-1","ok":true,"n":null,"list":[1,-2,3.25,"x",[]],"nested":{"z":1,"a":{}}}`,
	`[18446744073709551615,-9223372036854775808,123456789012345678901234567890,-123456789012345678901234567890]`,
	`"é\u0000\n"`, `0.1`, `1e+300`, `{}`,
}

func roundTrip(t testing.TB, in string) (string, []byte) {
	var p jsonvalue.Parser
	tree, err := p.ParseOrdered([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewEncoder().Encode(nil, tree)
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	return decodeJSON(t, b), b
}

func TestRoundTrip(t *testing.T) {
	for _, in := range roundTrips {
		if got, _ := roundTrip(t, in); got != in {
			t.Errorf("got %s, want %s", got, in)
		}
	}
}

// What cbor2 writes decodes here to what cbor2 reads, in cbor2's key order.
func TestPythonEncodesWeDecode(t *testing.T) {
	pycheck.Need(t, "cbor2")
	out := pycheck.Run(t, `
import cbor2, json, base64, math, sys
def j(v):
    if isinstance(v, bytes): return base64.b64encode(v).decode()
    if isinstance(v, cbor2.CBORTag): return j(v.value)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list): return [j(x) for x in v]
    if isinstance(v, dict): return {(k if isinstance(k, str) else json.dumps(j(k), separators=(",", ":"))): j(x) for k, x in v.items()}
    if v is cbor2.undefined: return None
    return v
cases = [
    {"temp": 21.5, "id": "s1", "raw": b"\x00\x01\xff", "big": 2**70, "neg": -2**70, "list": [1, None, True, 2.5e-10]},
    {3: "int key", "z": 1, "a": 2},
    [float("nan"), float("inf"), -0.0, 1e300],
    cbor2.CBORTag(1234, {"inner": [1, 2]}),
    "unicode ☃", -1, 2**64 - 1,
]
for c in cases:
    print(cbor2.dumps(c).hex(), json.dumps(j(cbor2.loads(cbor2.dumps(c))), separators=(",", ":"), ensure_ascii=False, allow_nan=False))
`, nil)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		h, want, _ := strings.Cut(line, " ")
		b, _ := hex.DecodeString(h)
		if got := decodeJSON(t, b); !pycheck.SameJSON(t, got, want) {
			t.Errorf("%s: got %s, want %s", h, got, want)
		}
	}
}

// What we write cbor2 reads as the JSON we started from, keys in the same order.
func TestWeEncodePythonDecodes(t *testing.T) {
	pycheck.Need(t, "cbor2")
	var stdin bytes.Buffer
	for _, in := range roundTrips {
		_, b := roundTrip(t, in)
		stdin.WriteString(hex.EncodeToString(b) + "\n")
	}
	out := pycheck.Run(t, `
import cbor2, json, sys
for line in sys.stdin:
    print(json.dumps(cbor2.loads(bytes.fromhex(line.strip())), separators=(",", ":"), ensure_ascii=False))
`, stdin.Bytes())
	for i, got := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !pycheck.SameJSON(t, got, roundTrips[i]) {
			t.Errorf("cbor2 read %s, want %s", got, roundTrips[i])
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, h := range []string{"a26161016162820203", "bf61610161629f0203ffff", "c249010000000000000000", "f97e00", "d74401020304"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := d.Decode(data)
		if err != nil {
			return
		}
		if out := jsonvalue.Append(nil, v); !json.Valid(out) {
			t.Fatalf("%x: invalid JSON %s", data, out)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	var p jsonvalue.Parser
	tree, _ := p.ParseOrdered([]byte(`{"temp":21.5,"hum":40,"id":"sensor-1","ok":true}`))
	data, _ := NewEncoder().Encode(nil, tree)
	d := NewDecoder()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		v, err := d.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		buf = jsonvalue.Append(buf[:0], v)
	}
}
