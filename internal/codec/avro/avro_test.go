package avro

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"mqtt/internal/jsonvalue"
	"mqtt/internal/pycheck"
)

const schemaText = `{
  "type": "record", "name": "Reading", "namespace": "demo",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "temp", "type": "double"},
    {"name": "humidity", "type": "float"},
    {"name": "count", "type": "long"},
    {"name": "ok", "type": "boolean"},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "samples", "type": {"type": "array", "items": "int"}},
    {"name": "unit", "type": {"type": "enum", "name": "Unit", "symbols": ["CELSIUS", "FAHRENHEIT"]}},
    {"name": "labels", "type": {"type": "map", "values": "string"}},
    {"name": "where", "type": {"type": "record", "name": "Location", "fields": [{"name": "lat", "type": "double"}, {"name": "lon", "type": "double"}]}}
  ]
}`

const readingJSON = `{"id":"sensor-1","temp":21.5,"humidity":40.5,"count":9007199254740993,"ok":true,"note":"door open","samples":[1,-2,3],"unit":"CELSIUS","labels":{"room":"kitchen"},"where":{"lat":51.5,"lon":-0.12}}`

func schema(t testing.TB) *Schema {
	s, err := NewSchema("reading.avsc", []byte(schemaText))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	s := schema(t)
	for _, in := range []string{readingJSON, strings.Replace(readingJSON, `"door open"`, "null", 1)} {
		b, err := s.Encode(nil, []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Decode(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != in {
			t.Errorf("got  %s\nwant %s", got, in)
		}
		// The single-object encoding decodes the same.
		soe := append(append([]byte{}, s.soe[:]...), b...)
		if got, err := s.Decode(nil, soe); err != nil || string(got) != in {
			t.Errorf("single object: %s %v", got, err)
		}
	}
}

func TestBadSchema(t *testing.T) {
	_, err := NewSchema("bad.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"x","type":"nope"}]}`))
	var se *SchemaError
	if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "bad.avsc: ") {
		t.Errorf("err = %v", err)
	}
}

func TestEncodeNamesTheField(t *testing.T) {
	s := schema(t)
	for in, field := range map[string]string{
		strings.Replace(readingJSON, `"temp":21.5`, `"temp":"hot"`, 1):         "temp",
		strings.Replace(readingJSON, `"unit":"CELSIUS"`, `"unit":"KELVIN"`, 1): "unit",
		`{"id":"x"}`: "temp",
	} {
		_, err := s.Encode(nil, []byte(in))
		var fe *jsonvalue.FieldError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: err = %v", in, err)
		}
	}
}

func TestDecodeBadInput(t *testing.T) {
	s := schema(t)
	b, _ := s.Encode(nil, []byte(readingJSON))
	for _, bad := range [][]byte{nil, {0x02}, b[:len(b)-1], append(b, 0), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if out, err := s.Decode(nil, bad); err == nil {
			t.Errorf("%x decoded as %s", bad, out)
		}
	}
}

func TestAgainstPython(t *testing.T) {
	pycheck.Need(t, "avro")
	s := schema(t)
	ours, err := s.Encode(nil, []byte(readingJSON))
	if err != nil {
		t.Fatal(err)
	}
	out := pycheck.Run(t, `
import sys, io, json, base64
import avro.schema, avro.io
schema = avro.schema.parse(sys.argv[1])
datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(base64.b64decode(sys.argv[2]))))
print(json.dumps(datum, separators=(",", ":")))
buf = io.BytesIO()
avro.io.DatumWriter(schema).write(json.loads(sys.argv[3]), avro.io.BinaryEncoder(buf))
print(base64.b64encode(buf.getvalue()).decode())
`, nil, schemaText, base64.StdEncoding.EncodeToString(ours), readingJSON)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var a, b any
	json.Unmarshal([]byte(lines[0]), &a)
	json.Unmarshal([]byte(readingJSON), &b)
	if ja, jb := string(jsonvalue.Append(nil, a)), string(jsonvalue.Append(nil, b)); ja != jb {
		t.Errorf("python read %s\nwant        %s", lines[0], readingJSON)
	}
	theirs, _ := base64.StdEncoding.DecodeString(lines[1])
	if got, err := s.Decode(nil, theirs); err != nil || string(got) != readingJSON {
		t.Errorf("we read python's as %s (%v)", got, err)
	}
}

func FuzzDecode(f *testing.F) {
	s := schema(f)
	b, _ := s.Encode(nil, []byte(readingJSON))
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := s.Decode(nil, data)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	s, _ := NewSchema("s.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"temp","type":"double"},{"name":"hum","type":"long"},{"name":"id","type":"string"},{"name":"ok","type":"boolean"}]}`))
	data, err := s.Encode(nil, []byte(`{"temp":21.5,"hum":40,"id":"sensor-1","ok":true}`))
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = s.Decode(buf[:0], data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNaNIsValidJSON(t *testing.T) {
	s, err := NewSchema("d.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"d","type":"double"},{"name":"f","type":"float"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Decode(nil, []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0x80, 0x7f})
	if err != nil || !json.Valid(out) {
		t.Errorf("got %s, %v", out, err)
	}
	t.Logf("%s", out)
}
