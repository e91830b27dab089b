package sparkplug

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"mqtt/internal/jsonvalue"
)

var clock = func() time.Time { return time.UnixMilli(1764583200000) }

func encode(t testing.TB, e *Encoder, topic, in string) []byte {
	t.Helper()
	var p jsonvalue.Parser
	v, err := p.ParseOrdered([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Encode(nil, topic, v)
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	return b
}

func decode(t testing.TB, d *Decoder, topic string, b []byte) (string, error) {
	t.Helper()
	v, note, err := d.Decode(topic, b)
	if err != nil {
		t.Fatalf("%x: %v", b, err)
	}
	return string(jsonvalue.Append(nil, v)), note
}

func TestIssueExampleEncodes(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	b := encode(t, e, "spBv1.0/plant/NDATA/edge1", `{"metrics":[{"name":"temp","type":"Float","value":21.5}]}`)
	got, _ := decode(t, NewDecoder(), "spBv1.0/plant/NDATA/edge1", b)
	want := `{"topic":{"namespace":"spBv1.0","group":"plant","type":"NDATA","edge_node":"edge1"},"timestamp":1764583200000,"seq":0,"metrics":[{"name":"temp","timestamp":1764583200000,"type":"Float","value":21.5}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSeqCountsPerEdgeNode(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	d := NewDecoder()
	seqOf := func(topic string) string {
		s, _ := decode(t, d, topic, encode(t, e, topic, `{"metrics":[]}`))
		i := strings.Index(s, `"seq":`)
		if i < 0 {
			return "none"
		}
		return s[i+6 : i+6+strings.IndexAny(s[i+6:], ",}")]
	}
	var got []string
	for _, topic := range []string{
		"spBv1.0/g/NDATA/e", "spBv1.0/g/NBIRTH/e", "spBv1.0/g/DBIRTH/e/d", "spBv1.0/g/NDATA/e", "spBv1.0/g/DDATA/e/d",
		"spBv1.0/g/NDATA/other", "spBv1.0/g/NCMD/e", "spBv1.0/g/NDEATH/e",
	} {
		got = append(got, seqOf(topic))
	}
	if s := strings.Join(got, " "); s != "0 0 1 2 3 0 none none" {
		t.Errorf("seqs %s", s)
	}
	for range 300 {
		encode(t, e, "spBv1.0/g/NDATA/w", `{}`)
	}
	var p jsonvalue.Parser
	bad, _ := p.ParseOrdered([]byte(`{"metrics":[{"name":"x","type":"Int8","value":999}]}`))
	if _, err := e.Encode(nil, "spBv1.0/g/NDATA/w", bad); err == nil {
		t.Fatal("a bad metric encoded")
	}
	if s := seqOf("spBv1.0/g/NDATA/w"); s != "44" { // 300 mod 256
		t.Errorf("after 300: %s", s)
	}
}

func TestBirthThenDataByAlias(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	d := NewDecoder()
	birth := encode(t, e, "spBv1.0/plant/NBIRTH/edge1", `{"metrics":[
		{"name":"bdSeq","type":"Int64","value":0},
		{"name":"temp","alias":1,"type":"Float","value":20.5},
		{"name":"level","alias":2,"type":"Int16","value":-3},
		{"name":"tags","alias":3,"type":"StringArray","value":["a","b"]}]}`)
	got, note := decode(t, d, "spBv1.0/plant/NBIRTH/edge1", birth)
	if note != nil || !strings.Contains(got, `{"name":"level","alias":2,"timestamp":1764583200000,"type":"Int16","value":-3}`) {
		t.Fatalf("birth: %s (%v)", got, note)
	}
	// Data by alias alone, without types: the encoder and the decoder both know them from the birth.
	data := encode(t, e, "spBv1.0/plant/NDATA/edge1", `{"metrics":[{"alias":1,"value":21.1},{"alias":2,"value":-32768},{"alias":3,"value":["c"]}]}`)
	got, note = decode(t, d, "spBv1.0/plant/NDATA/edge1", data)
	want := `"metrics":[{"name":"temp","alias":1,"timestamp":1764583200000,"type":"Float","value":21.1},{"name":"level","alias":2,"timestamp":1764583200000,"type":"Int16","value":-32768},{"name":"tags","alias":3,"timestamp":1764583200000,"type":"StringArray","value":["c"]}]`
	if note != nil || !strings.Contains(got, want) || !strings.Contains(got, `"seq":1`) {
		t.Errorf("data: %s (%v)", got, note)
	}
}

func TestDeviceBirthAndData(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	d := NewDecoder()
	decode(t, d, "spBv1.0/g/NBIRTH/e", encode(t, e, "spBv1.0/g/NBIRTH/e", `{"metrics":[{"name":"n","alias":1,"value":true}]}`))
	decode(t, d, "spBv1.0/g/DBIRTH/e/pump", encode(t, e, "spBv1.0/g/DBIRTH/e/pump", `{"metrics":[{"name":"rpm","alias":1,"type":"UInt32","value":1500}]}`))
	got, note := decode(t, d, "spBv1.0/g/DDATA/e/pump", encode(t, e, "spBv1.0/g/DDATA/e/pump", `{"metrics":[{"alias":1,"value":1600}]}`))
	if note != nil || !strings.Contains(got, `"device":"pump"`) || !strings.Contains(got, `{"name":"rpm","alias":1,"timestamp":1764583200000,"type":"UInt32","value":1600}`) {
		t.Errorf("DDATA: %s (%v)", got, note)
	}
	// The node's alias 1 is its own, not the device's.
	got, _ = decode(t, d, "spBv1.0/g/NDATA/e", encode(t, e, "spBv1.0/g/NDATA/e", `{"metrics":[{"alias":1,"value":false}]}`))
	if !strings.Contains(got, `"name":"n"`) {
		t.Errorf("NDATA: %s", got)
	}
	// A new NBIRTH voids the device's aliases until its next DBIRTH.
	decode(t, d, "spBv1.0/g/NBIRTH/e", encode(t, e, "spBv1.0/g/NBIRTH/e", `{"metrics":[]}`))
	if _, note := decode(t, d, "spBv1.0/g/DDATA/e/pump", encode(t, e, "spBv1.0/g/DDATA/e/pump", `{"metrics":[{"alias":1,"type":"UInt32","value":1}]}`)); note == nil {
		t.Error("device aliases survived a new NBIRTH")
	}
}

func TestLateJoinSaysWhichAliases(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	b := encode(t, e, "spBv1.0/g/DDATA/e/d", `{"metrics":[{"alias":7,"type":"Double","value":1.5},{"alias":3,"type":"Int32","value":-1},{"alias":7,"type":"Double","value":2}]}`)
	got, note := decode(t, NewDecoder(), "spBv1.0/g/DDATA/e/d", b)
	var ua *UnresolvedAliasesError
	if !errors.As(note, &ua) || len(ua.Aliases) != 2 || ua.Aliases[0] != 3 || ua.Device != "d" {
		t.Fatalf("note = %v", note)
	}
	if !strings.HasSuffix(got, `"unresolved_aliases":[3,7]}`) || !strings.Contains(got, `{"alias":3,"timestamp":1764583200000,"type":"Int32","value":-1}`) {
		t.Errorf("got %s", got)
	}
	if note.Error() != "no birth seen for g/e/d: cannot name aliases 3, 7" {
		t.Errorf("note text %q", note)
	}
}

// The array encodings of Sparkplug 3.0 §6.4.17, from the specification's examples.
func TestArraysAsTheSpecificationShows(t *testing.T) {
	for _, tt := range []struct {
		dt    DataType
		json  string
		bytes string
	}{
		{Int32Array, `[123456789,987654321]`, "15cd5b07b168de3a"},
		{BooleanArray, `[false,false,true,true,false,true,false,false,true,true,false,true]`, "0c00000034d0"},
		{StringArray, `["ABC","hello"]`, "41424300" + "68656c6c6f00"},
		{DateTimeArray, `[1256102875335,1656107875000]`, "c7d0907524010000b8bab89781010000"},
		{DoubleArray, `[12.354213,1022.9123213]`, "d7a205685bb52840" + "8e171c6f4cf78f40"},
		{Int8Array, `[-1,127]`, "ff7f"}, {UInt16Array, `[65535,1]`, "ffff0100"}, {FloatArray, `[1.5]`, "0000c03f"},
	} {
		var p jsonvalue.Parser
		v, _ := p.ParseOrdered([]byte(tt.json))
		b, err := encodeArray(tt.dt, v, "value")
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(b) != tt.bytes {
			t.Errorf("%s %s: wrote %x, want %s", tt.dt, tt.json, b, tt.bytes)
		}
		a, err := array(tt.dt, b)
		if err != nil || string(jsonvalue.Append(nil, a)) != tt.json {
			t.Errorf("%s: read %s (%v)", tt.dt, jsonvalue.Append(nil, a), err)
		}
	}
}

const everything = `{"timestamp":1764583200001,"seq":5,"metrics":[
	{"name":"i8","type":"Int8","value":-128},{"name":"u32","type":"UInt32","value":4294967295},
	{"name":"i64","type":"Int64","value":-9223372036854775808},{"name":"u64","type":"UInt64","value":18446744073709551615},
	{"name":"f","type":"Float","value":21.1},{"name":"d","type":"Double","value":-0.5},{"name":"b","type":"Boolean","value":true},
	{"name":"s","type":"String","value":"héllo"},{"name":"t","type":"Text","value":"x"},{"name":"u","type":"UUID","value":"0f"},
	{"name":"when","type":"DateTime","value":1764583200000},{"name":"raw","type":"Bytes","value":"AAH/"},
	{"name":"gone","type":"Int32","is_null":true,"value":null},
	{"name":"hist","timestamp":5,"type":"Double","is_historical":true,"is_transient":true,"value":1},
	{"name":"file","type":"File","metadata":{"content_type":"text/plain","size":3,"file_name":"a.txt"},"value":"YWJj"},
	{"name":"withprops","type":"Int32","properties":{"unit":{"type":"String","value":"°C"},"limits":{"type":"PropertySet","value":{"hi":{"type":"Double","value":30}}},"list":{"type":"PropertySetList","value":[{"a":{"type":"Boolean","value":false}}]},"none":{"type":"Int32","value":null}},"value":1},
	{"name":"table","type":"DataSet","value":{"columns":["id","v"],"types":["Int32","String"],"rows":[[1,"a"],[-2,"b"]]}},
	{"name":"tpl","type":"Template","value":{"version":"1","template_ref":"Motor","is_definition":false,"metrics":[{"name":"rpm","timestamp":1764583200001,"type":"UInt16","value":7}],"parameters":[{"name":"p","type":"String","value":"v"}]}}
	],"uuid":"u-1","body":"AQI="}`

func TestRoundTripEveryDatatype(t *testing.T) {
	e := NewEncoder()
	e.Now = clock
	b := encode(t, e, "spBv1.0/g/NDATA/e", everything)
	got, _ := decode(t, NewDecoder(), "x/y", b) // not a Sparkplug topic: no topic parts, no aliases
	var p jsonvalue.Parser
	want, _ := p.ParseOrdered([]byte(everything))
	w := string(jsonvalue.Append(nil, want))
	// The encoder stamps metrics that have no timestamp with the payload's.
	w = strings.ReplaceAll(w, `{"name":"`, `{"name":"`)
	if normalizeTimestamps(got) != normalizeTimestamps(w) {
		t.Errorf("got  %s\nwant %s", got, w)
	}
}

// normalizeTimestamps drops metric timestamps equal to the payload's, which the encoder adds.
func normalizeTimestamps(s string) string {
	return strings.ReplaceAll(s, `"timestamp":1764583200001,`, "")
}

func TestEncodeNamesTheField(t *testing.T) {
	for in, want := range map[string]string{
		`{"metrics":[{"name":"a","type":"Int8","value":300}]}`:           "field metrics[0].value: 300 does not fit Int8",
		`{"metrics":[{"name":"a","type":"Nope","value":1}]}`:             `field metrics[0].type: "Nope" is not a Sparkplug B datatype`,
		`{"metrics":[{"value":1}]}`:                                      "field metrics[0]: a metric needs a name or an alias",
		`{"metrics":[{"name":"a","valu":1}]}`:                            "field metrics[0].valu: not a metric field",
		`{"metric":[]}`:                                                  "field metric: not a Sparkplug B payload field",
		`{"metrics":[{"name":"a","type":"Float","value":"warm"}]}`:       "field metrics[0].value: want a number, not a string",
		`{"metrics":[{"name":"a","value":{"x":1}}]}`:                     "field metrics[0].value: give this metric a type",
		`{"metrics":[{"name":"a","type":"Int32Array","value":[1,"x"]}]}`: "field metrics[0].value[1]: a Int32 is an integer",
		`{"metrics":[{"name":"t","type":"DataSet","value":{"columns":["a"],"types":["Int8"],"rows":[[1,2]]}}]}`: "field metrics[0].value.rows[0]: a row is an array of 1 values",
		`{"seq":256}`: "field seq: 256 is past 255",
		`[]`:          "a Sparkplug B payload is a JSON object, not an array",
	} {
		var p jsonvalue.Parser
		v, err := p.ParseOrdered([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewEncoder().Encode(nil, "spBv1.0/g/NDATA/e", v)
		var fe *jsonvalue.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v\nwant prefix %s", in, err, want)
		}
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, h := range []string{"12", "1205", "120208", "ff", "1202" + "2200", "12026a00", "0a", "120550017b"} {
		b, _ := hex.DecodeString(h)
		if v, _, err := NewDecoder().Decode("spBv1.0/g/NDATA/e", b); err == nil {
			t.Errorf("%s decoded as %s", h, jsonvalue.Append(nil, v))
		}
	}
}

func TestState(t *testing.T) {
	got, _ := decode(t, NewDecoder(), "spBv1.0/STATE/scada1", []byte(`{"online":true,"timestamp":1}`))
	if got != `{"topic":{"namespace":"spBv1.0","type":"STATE","host_id":"scada1"},"state":{"online":true,"timestamp":1}}` {
		t.Errorf("got %s", got)
	}
	if got, _ := decode(t, NewDecoder(), "spBv1.0/STATE/scada1", []byte("OFFLINE")); !strings.HasSuffix(got, `"state":"OFFLINE"}`) {
		t.Errorf("got %s", got)
	}
}

func TestParseTopic(t *testing.T) {
	for topic, ok := range map[string]bool{
		"spBv1.0/g/NBIRTH/e": true, "spBv1.0/g/DDATA/e/d": true, "spBv1.0/STATE/h": true,
		"spBv1.0/g/NBIRTH/e/d": false, "spBv1.0/g/DDATA/e": false, "spBv1.0/g/XDATA/e": false, "spBv1.0//NDATA/e": false,
		"spAv1.0/g/NDATA/e": false, "spBv1.0/g/NDATA/e/d/x": false,
	} {
		if _, got := ParseTopic(topic); got != ok {
			t.Errorf("%s: %v", topic, got)
		}
	}
}

func TestDecoderMemoryIsBounded(t *testing.T) {
	e := NewEncoder()
	d := NewDecoder()
	b := encode(t, e, "spBv1.0/g/NBIRTH/e", `{"metrics":[{"name":"a","alias":1,"value":1}]}`)
	for i := range maxTables + 10 {
		d.Decode("spBv1.0/g/NBIRTH/e"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+hex.EncodeToString([]byte{byte(i), byte(i >> 8)}), b)
	}
	if len(d.tables) > maxTables || len(d.order) > maxTables {
		t.Errorf("%d tables, %d in order", len(d.tables), len(d.order))
	}
}

func FuzzDecode(f *testing.F) {
	e := NewEncoder()
	var p jsonvalue.Parser
	v, _ := p.ParseOrdered([]byte(everything))
	b, _ := e.Encode(nil, "spBv1.0/g/NDATA/e", v)
	f.Add("spBv1.0/g/NDATA/e", b)
	f.Add("spBv1.0/g/NBIRTH/e", b)
	f.Add("spBv1.0/STATE/h", []byte(`{"online":true}`))
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, topic string, data []byte) {
		v, _, err := d.Decode(topic, data)
		if err != nil {
			return
		}
		if out := jsonvalue.Append(nil, v); !json.Valid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	e := NewEncoder()
	d := NewDecoder()
	birth := encode(b, e, "spBv1.0/g/NBIRTH/e", `{"metrics":[{"name":"temp","alias":1,"type":"Float","value":1},{"name":"hum","alias":2,"type":"Int32","value":1},{"name":"id","alias":3,"type":"String","value":"x"},{"name":"ok","alias":4,"type":"Boolean","value":true}]}`)
	d.Decode("spBv1.0/g/NBIRTH/e", birth)
	data := encode(b, e, "spBv1.0/g/NDATA/e", `{"metrics":[{"alias":1,"value":21.5},{"alias":2,"value":40},{"alias":3,"value":"sensor-1"},{"alias":4,"value":true}]}`)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		v, _, err := d.Decode("spBv1.0/g/NDATA/e", data)
		if err != nil {
			b.Fatal(err)
		}
		buf = jsonvalue.Append(buf[:0], v)
	}
	_ = bytes.MinRead
}

func TestDataTypeNames(t *testing.T) {
	for i, want := range map[DataType]string{0: "Unknown", 9: "Float", 34: "DateTimeArray", 35: ""} {
		if i.String() != want {
			t.Errorf("%d: %q", i, i.String())
		}
	}
	if dt, ok := ParseDataType("booleanarray"); !ok || dt != BooleanArray {
		t.Error("ParseDataType is not case-blind")
	}
}
