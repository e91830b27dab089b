package msgpack

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

func TestDecode(t *testing.T) {
	for _, tt := range []struct{ hex, want string }{
		{"00", "0"}, {"ff", "-1"}, {"cfffffffffffffffff", "18446744073709551615"}, {"d38000000000000000", "-9223372036854775808"},
		{"ca41a8cccd", "21.1"}, {"cb3ff199999999999a", "1.1"}, {"cb7ff8000000000000", `"NaN"`},
		{"c0", "null"}, {"c3", "true"}, {"a3616263", `"abc"`}, {"c403010203", `"AQID"`},
		{"82a16201a16102", `{"b":1,"a":2}`}, {"8101a178", `{"1":"x"}`}, {"93019202039100", "[1,[2,3],[0]]"},
		{"d6ff00000001", `"1970-01-01T00:00:01Z"`}, {"d40507", `{"type":5,"data":"Bw=="}`},
		{"de00010102", `{"1":2}`}, {"dc0000", "[]"},
	} {
		b, _ := hex.DecodeString(tt.hex)
		if got := decodeJSON(t, b); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.hex, got, tt.want)
		}
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, h := range []string{"", "c1", "81", "92", "a2", "cd00", "0000", "dfffffffff", "ddffffffff", "c9ffffffff01", "d6ff01", "c7"} {
		b, _ := hex.DecodeString(h)
		if _, err := NewDecoder().Decode(b); err == nil {
			t.Errorf("%q decoded", h)
		}
	}
	if _, err := NewDecoder().Decode(append(bytes.Repeat([]byte{0x91}, maxNesting+2), 0)); err == nil {
		t.Error("nesting past the limit decoded")
	}
}

var roundTrips = []string{
	`{"temp":21.5,"id":"sensor-1","ok":true,"n":null,"list":[1,-2,3.25,"x",[]],"nested":{"z":1,"a":{}}}`,
	`[18446744073709551615,-9223372036854775808,0,127,128,-32,-33,65536]`, `"é\u0000\n"`, `0.1`, `{}`,
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

func TestEncodeBigIntegerFails(t *testing.T) {
	var p jsonvalue.Parser
	tree, _ := p.ParseOrdered([]byte(`{"a":{"b":123456789012345678901234567890}}`))
	_, err := NewEncoder().Encode(nil, tree)
	if err == nil || !strings.Contains(err.Error(), "a: b: ") {
		t.Errorf("err = %v", err)
	}
}

func TestPythonPacksWeDecode(t *testing.T) {
	pycheck.Need(t, "msgpack")
	out := pycheck.Run(t, `
import msgpack, json, base64, math
def j(v):
    if isinstance(v, bytes): return base64.b64encode(v).decode()
    if isinstance(v, msgpack.ExtType): return {"type": v.code, "data": base64.b64encode(v.data).decode()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list): return [j(x) for x in v]
    if isinstance(v, dict): return {(k if isinstance(k, str) else json.dumps(j(k), separators=(",", ":"))): j(x) for k, x in v.items()}
    return v
cases = [
    {"temp": 21.5, "id": "s1", "raw": b"\x00\x01\xff", "u64": 2**64 - 1, "i64": -2**63, "list": [1, None, True, 2.5e-10]},
    {3: "int key", "z": 1, "a": 2},
    [float("inf"), -0.0, 1e300, -1, -33, 255, 65536],
    msgpack.ExtType(42, b"\x01\x02"),
    "unicode ☃",
]
for c in cases:
    b = msgpack.packb(c, use_bin_type=True)
    print(b.hex(), json.dumps(j(msgpack.unpackb(b, raw=False, strict_map_key=False)), separators=(",", ":"), ensure_ascii=False, allow_nan=False))
print(msgpack.packb(1.5, use_single_float=True).hex(), "1.5")
`, nil)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		h, want, _ := strings.Cut(line, " ")
		b, _ := hex.DecodeString(h)
		if got := decodeJSON(t, b); !pycheck.SameJSON(t, got, want) {
			t.Errorf("%s: got %s, want %s", h, got, want)
		}
	}
}

func TestWeEncodePythonUnpacks(t *testing.T) {
	pycheck.Need(t, "msgpack")
	var stdin bytes.Buffer
	for _, in := range roundTrips {
		_, b := roundTrip(t, in)
		stdin.WriteString(hex.EncodeToString(b) + "\n")
	}
	out := pycheck.Run(t, `
import msgpack, json, sys
for line in sys.stdin:
    print(json.dumps(msgpack.unpackb(bytes.fromhex(line.strip()), raw=False), separators=(",", ":"), ensure_ascii=False))
`, stdin.Bytes())
	for i, got := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !pycheck.SameJSON(t, got, roundTrips[i]) {
			t.Errorf("msgpack read %s, want %s", got, roundTrips[i])
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, h := range []string{"82a16201a16102", "93019202039100", "d6ff00000001", "d40507", "ca41a8cccd"} {
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
