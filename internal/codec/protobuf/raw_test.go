package protobuf

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"mqtt/internal/jsonvalue"
)

func rawJSON(t testing.TB, b []byte) string {
	t.Helper()
	v, err := DecodeRaw(b)
	if err != nil {
		t.Fatalf("%x: %v", b, err)
	}
	return string(jsonvalue.Append(nil, v))
}

func TestDecodeRaw(t *testing.T) {
	for _, tt := range []struct{ hex, want string }{
		{"089601", `{"1":150}`},
		{"120774657374696e67", `{"2":"testing"}`},
		{"1a03089601", `{"3":{"1":150}}`},
		{"0801080208031001", `{"1":[1,2,3],"2":1}`},
		{"15cdcca841", `{"2":21.1}`}, {"1500000000", `{"2":0}`}, {"1501000000", `{"2":1}`},
		{"19000000000000f03f", `{"3":1}`}, {"19ffffffffffffffff", `{"3":18446744073709551615}`},
		{"2203fffe00", `{"4":"//4A"}`}, {"2200", `{"4":""}`},
		{"08ffffffffffffffffff01", `{"1":18446744073709551615}`},
	} {
		b, _ := hex.DecodeString(tt.hex)
		if got := rawJSON(t, b); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.hex, got, tt.want)
		}
	}
	// A group (start 1, a varint field, end 1).
	if got := rawJSON(t, []byte{0x0b, 0x10, 0x05, 0x0c}); got != `{"1":{"2":5}}` {
		t.Errorf("group: %s", got)
	}
	if got := rawJSON(t, nil); got != `{}` {
		t.Errorf("empty: %s", got)
	}
}

func TestDecodeRawBadInput(t *testing.T) {
	for _, h := range []string{"08", "0a05", "ff", "0f", "00", "1a", "0b1005"} {
		b, _ := hex.DecodeString(h)
		if _, err := DecodeRaw(b); err == nil {
			t.Errorf("%s decoded", h)
		}
	}
}

func TestRawRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"1":150,"2":"testing","3":{"1":21.5,"2":[1,2]},"4":[{"1":"a"},{"1":"b"}]}`,
		`{"536870911":1}`, `{}`,
	} {
		var p jsonvalue.Parser
		tree, _ := p.ParseOrdered([]byte(in))
		b, err := EncodeRaw(nil, tree)
		if err != nil {
			t.Fatal(err)
		}
		if got := rawJSON(t, b); got != in {
			t.Errorf("got %s, want %s", got, in)
		}
	}
}

func TestEncodeRawNamesTheField(t *testing.T) {
	for in, want := range map[string]string{
		`{"1":{"x":1}}`:                        `field 1.x: "x" is not a field number`,
		`{"1":[[1]]}`:                          `field 1[0]: an array inside an array`,
		`{"0":1}`:                              `field 0: "0" is not a field number`,
		`{"2":{"3":1e999999}}`:                 "",
		`[1]`:                                  "a schema-less protobuf message is a JSON object",
		`{"1":123456789012345678901234567890}`: "field 1: 123456789012345678901234567890 does not fit",
	} {
		var p jsonvalue.Parser
		tree, _ := p.ParseOrdered([]byte(in))
		_, err := EncodeRaw(nil, tree)
		if want == "" {
			continue
		}
		if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
}

func descriptorSet(t testing.TB, s *Schema) []byte {
	t.Helper()
	b, err := s.FileDescriptorSet()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonValid(b []byte) bool { return json.Valid(b) }

func FuzzDecodeRaw(f *testing.F) {
	for _, h := range []string{"089601", "1a03089601", "0801080208031001", "0b10050c", "2203fffe00"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeRaw(data)
		if err != nil {
			return
		}
		if out := jsonvalue.Append(nil, v); !json.Valid(out) {
			t.Fatalf("%x: invalid JSON %s", data, out)
		}
	})
}

func BenchmarkDecodeRaw(b *testing.B) {
	data, _ := hex.DecodeString("0a0873656e736f722d3111000000000000354015cdcc20422001")
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		v, err := DecodeRaw(data)
		if err != nil {
			b.Fatal(err)
		}
		buf = jsonvalue.Append(buf[:0], v)
	}
}

func BenchmarkSchemaDecode(b *testing.B) {
	s := reading(b)
	data, _ := s.Encode(nil, []byte(`{"id":"sensor-1","temp":21.5,"humidity":40.1,"ok":true}`))
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = s.Decode(buf[:0], data); err != nil {
			b.Fatal(err)
		}
	}
}
