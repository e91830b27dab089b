package protobuf

import (
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mqtt/internal/jsonvalue"
	"mqtt/internal/pycheck"
)

const readingJSON = `{"id":"sensor-1","temp":21.5,"humidity":40.1,"count":"9007199254740993","ok":true,"raw":"AAH/","samples":[1,-2,3],"unit":"CELSIUS","at":"2026-12-01T10:00:00Z","labels":{"room":"kitchen"},"where":{"lat":51.5,"lon":-0.12}}`

func reading(t testing.TB) *Schema {
	t.Helper()
	s, err := NewSchema(SchemaOptions{File: "testdata/sensor.proto", Type: "demo.Reading"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaRoundTrip(t *testing.T) {
	s := reading(t)
	b, err := s.Encode(nil, []byte(readingJSON))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Decode(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != readingJSON {
		t.Errorf("got  %s\nwant %s", got, readingJSON)
	}
	// The same bytes without the schema: field numbers and wire types.
	raw, err := DecodeRaw(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := raw.(jsonvalue.Object).Get("1"); v != "sensor-1" {
		t.Errorf("raw field 1 = %v", v)
	}
}

func TestSchemaTypeLookup(t *testing.T) {
	for _, name := range []string{"demo.Reading", "Reading", ".demo.Reading", "Location"} {
		if _, err := NewSchema(SchemaOptions{File: "testdata/sensor.proto", Type: name}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := NewSchema(SchemaOptions{File: "testdata/sensor.proto", Type: "demo.Nope"})
	var te *TypeError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "demo.Reading.Location") {
		t.Errorf("err = %v", err)
	}
	// One message in the file: no type needed.
	if s, err := NewSchema(SchemaOptions{File: "testdata/sensor.proto"}); err != nil || s.Name() != "demo.Reading" {
		t.Errorf("no type: %v", err)
	}
}

func TestSchemaWithImportPath(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "b", "dep.proto"), []byte(`syntax = "proto3"; package dep; message D { int32 x = 1; }`), 0o644)
	os.WriteFile(filepath.Join(dir, "main.proto"), []byte(`syntax = "proto3"; import "a/b/dep.proto"; message M { dep.D d = 1; }`), 0o644)
	inc := t.TempDir()
	os.Rename(filepath.Join(dir, "a"), filepath.Join(inc, "a"))
	s, err := NewSchema(SchemaOptions{File: filepath.Join(dir, "main.proto"), ImportPaths: []string{inc}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Encode(nil, []byte(`{"d":{"x":7}}`))
	if got, _ := s.Decode(nil, b); string(got) != `{"d":{"x":7}}` {
		t.Errorf("got %s", got)
	}
}

func TestCompileErrorsHavePositions(t *testing.T) {
	files := map[string]string{
		"p/bad.proto":    "syntax = \"proto3\";\nmessage M {\n  int32 x = 1\n  strin y = 2;\n}\n",
		"p/imp.proto":    "syntax = \"proto3\";\nimport \"broken.proto\";\nmessage N { B b = 1; }\n",
		"p/broken.proto": "syntax = \"proto3\";\nmessage B { int32 = 1; }\n",
	}
	open := func(p string) (io.ReadCloser, error) {
		s, ok := files[filepath.ToSlash(p)]
		if !ok {
			return nil, os.ErrNotExist
		}
		return io.NopCloser(strings.NewReader(s)), nil
	}
	for file, want := range map[string]string{
		"p/bad.proto":     "p/bad.proto:4:3: ",
		"p/imp.proto":     "p/broken.proto:2:19: ",
		"p/missing.proto": "p/missing.proto: ",
	} {
		_, err := NewSchema(SchemaOptions{File: file, Open: open})
		var ce *CompileError
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v, want prefix %q", file, err, want)
		}
	}
	_, err := NewSchema(SchemaOptions{File: "p/missing.proto", Open: open})
	if !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "not exist") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSchemaEncodeNamesTheField(t *testing.T) {
	s := reading(t)
	for in, field := range map[string]string{
		`{"temp":"hot"}`:         "temp",
		`{"nope":1}`:             "nope",
		`{"where":{"lat":true}}`: "lat",
		`{"unit":"KELVIN"}`:      "unit",
		`[1]`:                    "",
	} {
		_, err := s.Encode(nil, []byte(in))
		var fe *jsonvalue.FieldError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: err = %v", in, err)
		}
	}
}

func TestSchemaDecodeBadInput(t *testing.T) {
	s := reading(t)
	for _, b := range [][]byte{{0x0a, 0x05, 'a'}, {0xff}, {0x12, 0x01}, {0x0a, 0x02, 0xff, 0xfe}} {
		if out, err := s.Decode(nil, b); err == nil {
			t.Errorf("%x decoded as %s", b, out)
		}
	}
}

// Python's protobuf, with the same .proto compiled here and handed over as a descriptor set, reads what
// we write and writes what we read.
func TestSchemaAgainstPython(t *testing.T) {
	pycheck.Need(t, "google.protobuf")
	s := reading(t)
	set := descriptorSet(t, s)
	ours, err := s.Encode(nil, []byte(readingJSON))
	if err != nil {
		t.Fatal(err)
	}
	out := pycheck.Run(t, `
import sys, json, base64
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
fds = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(sys.argv[1]))
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
cls = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("demo.Reading"))
m = cls.FromString(base64.b64decode(sys.argv[2]))
print(json.dumps(json_format.MessageToDict(m), separators=(",", ":")))
m2 = json_format.Parse(sys.argv[3], cls())
print(base64.b64encode(m2.SerializeToString()).decode())
`, nil, base64.StdEncoding.EncodeToString(set), base64.StdEncoding.EncodeToString(ours), readingJSON)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !sameSet(t, lines[0], readingJSON) {
		t.Errorf("python read %s\nwant      %s", lines[0], readingJSON)
	}
	theirs, _ := base64.StdEncoding.DecodeString(lines[1])
	got, err := s.Decode(nil, theirs)
	if err != nil || string(got) != readingJSON {
		t.Errorf("we read python's as %s (%v)", got, err)
	}
	// Without the schema, Python's bytes read as field numbers and wire types.
	raw, err := DecodeRaw(theirs)
	if err != nil {
		t.Fatal(err)
	}
	rawJSON := string(jsonvalue.Append(nil, raw))
	for _, want := range []string{`"1":"sensor-1"`, `"2":21.5`, `"3":40.1`, `"4":9007199254740993`, `"5":1`, `"8":1`, `"11":{"1":51.5,"2":-0.12}`} {
		if !strings.Contains(rawJSON, want) {
			t.Errorf("raw read %s, missing %s", rawJSON, want)
		}
	}
}

// sameSet compares JSON objects member by member, whatever the order (Python orders map entries its way).
func sameSet(t testing.TB, a, b string) bool {
	var p jsonvalue.Parser
	x, err := p.Parse([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	y, _ := p.Parse([]byte(b))
	return string(jsonvalue.Append(nil, x)) == string(jsonvalue.Append(nil, y))
}

func FuzzSchemaDecode(f *testing.F) {
	s := reading(f)
	b, _ := s.Encode(nil, []byte(readingJSON))
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := s.Decode(nil, data)
		if err == nil && !jsonValid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}
