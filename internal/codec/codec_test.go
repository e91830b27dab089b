package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"mqtt/internal/jsonvalue"
)

const sample = `{"temp":21.5,"hum":40,"id":"sensor-1","ok":true}`

// Each format with the options it needs and a JSON that round-trips through it exactly.
var roundTrips = []struct {
	opts Options
	in   string
}{
	{Options{Format: JSON}, sample},
	{Options{Format: CBOR}, `{"temp":21.5,"hum":40,"id":"sensor-1","ok":true,"list":[1,null,{"z":1,"a":2}]}`},
	{Options{Format: MsgPack}, `{"temp":21.5,"hum":40,"id":"sensor-1","ok":true,"list":[1,null,{"z":1,"a":2}]}`},
	{Options{Format: Protobuf}, `{"1":"sensor-1","2":21.5,"3":40,"4":{"1":1,"2":[2,3]}}`},
	{Options{Format: Protobuf, ProtoFile: "protobuf/testdata/sensor.proto", ProtoType: "demo.Reading"}, `{"id":"sensor-1","temp":21.5,"humidity":40.5,"ok":true,"unit":"CELSIUS"}`},
	{Options{Format: Avro, AvroSchema: "testdata/reading.avsc"}, sample},
	{Options{Format: Sparkplug}, `{"timestamp":1764583200000,"seq":0,"metrics":[{"name":"temp","timestamp":1764583200000,"type":"Float","value":21.5}]}`},
	{Options{Format: Text}, `"héllo\nworld"`},
	{Options{Format: Hex}, `"00ff10"`},
	{Options{Format: Base64}, `"AP8Q"`},
}

func TestRoundTripEveryFormat(t *testing.T) {
	for _, tt := range roundTrips {
		enc, err := NewEncoder(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		enc.SetClock(func() time.Time { return time.UnixMilli(1764583200000) })
		payload, err := enc.Encode(nil, "spBv1.0/g/NBIRTH/e", []byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.opts.Format, err)
		}
		for range 2 { // twice: a decoder is reused
			dec, err := NewDecoder(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			v, err := dec.Decode("a/b", payload)
			if err != nil {
				t.Fatalf("%s: %v", tt.opts.Format, err)
			}
			if got := string(v.AppendJSON(nil)); got != tt.in {
				t.Errorf("%s: got %s, want %s", tt.opts.Format, got, tt.in)
			}
			// What jq sees is the same value.
			in, err := v.JQ()
			if err != nil {
				t.Fatal(err)
			}
			var p jsonvalue.Parser
			want, _ := p.Parse([]byte(tt.in))
			if !reflect.DeepEqual(in, want) {
				t.Errorf("%s: jq input %#v, want %#v", tt.opts.Format, in, want)
			}
		}
	}
}

func TestAuto(t *testing.T) {
	enc, _ := NewEncoder(Options{Format: Sparkplug})
	spb, _ := enc.Encode(nil, "spBv1.0/g/NDATA/e", []byte(`{"metrics":[{"alias":3,"type":"Int8","value":-1}]}`))
	dec, err := NewDecoder(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		topic, payload string
		kind           Kind
		json           string
	}{
		{"a", ` {"a": [1, 2]} `, KindJSON, `{"a":[1,2]}`},
		{"a", `hello`, KindText, `"hello"`},
		{"a", ``, KindText, `""`},
		{"a", "\x00\x01\xff", KindBinary, `"0001ff"`},
		{"a", string(spb), KindBinary, ""},
		{"spBv1.0/g/NDATA/e", string(spb), KindJSON, `"unresolved_aliases":[3]`},
		{"spBv1.0/g/NDATA/e", `{"not":"sparkplug"}`, KindJSON, `{"not":"sparkplug"}`},
		{"spBv1.0/g/NDATA/e", "plain text", KindText, `"plain text"`},
	} {
		v, err := dec.Decode(tt.topic, []byte(tt.payload))
		if err != nil {
			t.Fatalf("%q: %v", tt.payload, err)
		}
		if v.Kind() != tt.kind || !strings.Contains(string(v.AppendJSON(nil)), tt.json) {
			t.Errorf("%q on %s: kind %d, %s", tt.payload, tt.topic, v.Kind(), v.AppendJSON(nil))
		}
	}
	v, _ := dec.Decode("spBv1.0/g/NDATA/e", spb)
	var ua *UnresolvedAliasesError
	if !errors.As(v.Note(), &ua) {
		t.Errorf("note = %v", v.Note())
	}
}

func TestDecodeErrorsAreTyped(t *testing.T) {
	for _, tt := range []struct {
		opts    Options
		payload string
		msg     string
	}{
		{Options{Format: JSON}, `{"a":`, "not JSON: unexpected end of JSON at byte 5"},
		{Options{Format: JSON}, ``, "not JSON: "},
		{Options{Format: CBOR}, "\xa1", "not CBOR: "},
		{Options{Format: MsgPack}, "\x92\x01", "not MessagePack: "},
		{Options{Format: Protobuf}, "\x0a\x05", "not Protobuf: "},
		{Options{Format: Sparkplug}, "\xff", "not Sparkplug B: "},
		{Options{Format: Text}, "\xff", "not text: invalid UTF-8"},
		{Options{Format: Avro, AvroSchema: "testdata/reading.avsc"}, "\x01", "not Avro: "},
	} {
		dec, err := NewDecoder(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		v, err := dec.Decode("t", []byte(tt.payload))
		var de *DecodeError
		if v != nil || !errors.As(err, &de) || de.Format != tt.opts.format() || !strings.HasPrefix(err.Error(), tt.msg) {
			t.Errorf("%s %q: %v", tt.opts.Format, tt.payload, err)
		}
		// The decoder goes on after a failure.
		if tt.opts.Format == JSON {
			if _, err := dec.Decode("t", []byte(`1`)); err != nil {
				t.Errorf("after a failure: %v", err)
			}
		}
	}
}

func TestConstructionFailsBeforeAnyMessage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/bad.proto", []byte("syntax = \"proto3\";\nmessage M {\n  int32 x = ;\n}\n"), 0o644)
	os.WriteFile(dir+"/bad.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}`), 0o644)
	for _, tt := range []struct {
		opts Options
		err  any
		msg  string
	}{
		{Options{Format: "yaml"}, new(*FormatError), `unknown format "yaml" (one of auto, text, json,`},
		{Options{Format: Avro}, new(*FormatError), "avro needs a schema file (.avsc)"},
		{Options{Format: Protobuf, ProtoType: "a.B"}, new(*FormatError), "a protobuf message type needs the .proto file"},
		{Options{Format: Protobuf, ProtoFile: dir + "/bad.proto"}, new(*CompileError), dir + "/bad.proto:3:13: "},
		{Options{Format: Protobuf, ProtoFile: "protobuf/testdata/sensor.proto", ProtoType: "Nope"}, new(*TypeError), "protobuf/testdata/sensor.proto declares no message type"},
		{Options{Format: Avro, AvroSchema: dir + "/bad.avsc"}, new(*SchemaError), dir + "/bad.avsc: "},
		{Options{Format: Avro, AvroSchema: dir + "/none.avsc"}, new(*os.PathError), "open " + dir + "/none.avsc"},
	} {
		_, err := NewDecoder(tt.opts)
		if err == nil || !errors.As(err, tt.err) || !strings.HasPrefix(err.Error(), tt.msg) {
			t.Errorf("%+v: %v", tt.opts, err)
		}
		if tt.opts.Format != Auto {
			if _, err := NewEncoder(tt.opts); err == nil {
				t.Errorf("encoder %+v built", tt.opts)
			}
		}
	}
	if _, err := NewEncoder(Options{Format: Auto}); err == nil {
		t.Error("an auto encoder was built")
	}
}

func TestEncodeErrorsNameTheField(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		in   string
		msg  string
	}{
		{Options{Format: Sparkplug}, `{"metrics":[{"name":"t","type":"Int8","value":1000}]}`, "cannot encode as Sparkplug B: field metrics[0].value: 1000 does not fit Int8"},
		{Options{Format: Protobuf, ProtoFile: "protobuf/testdata/sensor.proto"}, `{"temp":"warm"}`, "cannot encode as Protobuf: (line 1:9): invalid value for double field temp"},
		{Options{Format: Avro, AvroSchema: "testdata/reading.avsc"}, `{"temp":1.5,"hum":1,"ok":true}`, "cannot encode as Avro: field id: missing"},
		{Options{Format: MsgPack}, `{"big":1e400000000000000000000}`, ""},
		{Options{Format: JSON}, `{"a"`, "cannot encode as JSON: "},
		{Options{Format: Text}, `42`, "cannot encode as text: want a JSON string, not a number"},
		{Options{Format: Hex}, `"zz"`, "cannot encode as hex: not hex"},
	} {
		enc, err := NewEncoder(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = enc.Encode(nil, "spBv1.0/g/NDATA/e", []byte(tt.in))
		var ee *EncodeError
		if tt.msg == "" {
			continue
		}
		if !errors.As(err, &ee) || !strings.HasPrefix(err.Error(), tt.msg) {
			t.Errorf("%s %s: %v", tt.opts.Format, tt.in, err)
		}
	}
}

// A huge payload decodes (or fails) without trouble: 8 MiB of JSON, CBOR and MessagePack.
func TestHugePayload(t *testing.T) {
	big := `{"blob":"` + strings.Repeat("x", 8<<20) + `","n":[` + strings.Repeat("1,", 100000) + `1]}`
	for _, f := range []string{JSON, CBOR, MsgPack, Protobuf} {
		in := big
		if f == Protobuf {
			in = `{"1":"` + strings.Repeat("x", 8<<20) + `"}`
		}
		enc, _ := NewEncoder(Options{Format: f})
		payload, err := enc.Encode(nil, "t", []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		dec, _ := NewDecoder(Options{Format: f})
		v, err := dec.Decode("t", payload)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if out := v.AppendJSON(nil); !bytes.Equal(out, []byte(in)) {
			t.Errorf("%s: %d bytes back, want %d", f, len(out), len(in))
		}
		// Cut short, it fails cleanly.
		if _, err := dec.Decode("t", payload[:len(payload)/2]); err == nil {
			t.Errorf("%s: half a payload decoded", f)
		}
	}
}

func FuzzAuto(f *testing.F) {
	f.Add("a/b", []byte(sample))
	f.Add("spBv1.0/g/NBIRTH/e", []byte{0x12, 0x04, 0x0a, 0x02, 'a', 'b'})
	f.Add("t", []byte{0xff, 0x00})
	dec, _ := NewDecoder(Options{})
	f.Fuzz(func(t *testing.T, topic string, payload []byte) {
		v, err := dec.Decode(topic, payload)
		if err != nil {
			t.Fatalf("auto failed: %v", err)
		}
		if out := v.AppendJSON(nil); !json.Valid(out) {
			t.Fatalf("invalid JSON %q", out)
		}
		if _, err := v.JQ(); err != nil {
			t.Fatalf("jq: %v", err)
		}
	})
}
