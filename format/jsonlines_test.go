package format

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

func TestJSONLines(t *testing.T) {
	at := time.Unix(1704402245, 123456789)
	one, alias, expiry := byte(1), uint16(7), uint32(3600)
	const tail = `"time":"2024-01-04T21:04:05.123456Z","time_ns":1704402245123456789`
	tests := []struct {
		name string
		opts JSONOptions
		m    message.Message
		want string
	}{
		{"text", JSONOptions{}, message.Message{Topic: "a/b", Payload: []byte("hi \"x\"\n"), QoS: 1, MID: 9, Dup: true, Received: at},
			`{"topic":"a/b","payload":"hi \"x\"\n","qos":1,"retain":false,"dup":true,"mid":9,` + tail + `,"size":7}`},
		{"empty", JSONOptions{EmbedPayload: true}, message.Message{Topic: "e", Retain: true, Received: at},
			`{"topic":"e","payload":"","qos":0,"retain":true,"dup":false,"mid":0,` + tail + `,"size":0}`},
		{"binary", JSONOptions{}, message.Message{Topic: "b", Payload: []byte{0, 0xff}, Received: at},
			`{"topic":"b","payload":"AP8=","encoding":"base64","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":2}`},
		{"NUL stays", JSONOptions{}, message.Message{Topic: "t\x00u\xff", Payload: []byte("a\x00é"), Received: at},
			`{"topic":"t\u0000u\ufffd","payload":"a\u0000é","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":4}`},
		{"embed", JSONOptions{EmbedPayload: true}, message.Message{Topic: "j", Payload: []byte("{ \"a\" : [1, \"x y\"],\n \"b\":{} }"), Received: at},
			`{"topic":"j","payload":{"a":[1,"x y"],"b":{}},"qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":29}`},
		{"embed scalar", JSONOptions{EmbedPayload: true}, message.Message{Topic: "j", Payload: []byte(" 42 "), Received: at},
			`{"topic":"j","payload":42,"qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":4}`},
		{"embed falls back", JSONOptions{EmbedPayload: true}, message.Message{Topic: "j", Payload: []byte("{nope"), Received: at},
			`{"topic":"j","payload":"{nope","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":5}`},
		{"embed not UTF-8", JSONOptions{EmbedPayload: true}, message.Message{Topic: "j", Payload: []byte("\"\xff\""), Received: at},
			`{"topic":"j","payload":"Iv8i","encoding":"base64","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":3}`},
		{"zone", JSONOptions{Location: time.FixedZone("", -5*3600)}, message.Message{Topic: "z", Received: time.Unix(1704402245, 0)},
			`{"topic":"z","payload":"","qos":0,"retain":false,"dup":false,"mid":0,"time":"2024-01-04T16:04:05.000000-05:00","time_ns":1704402245000000000,"size":0}`},
		{"no properties", JSONOptions{}, message.Message{Topic: "p", Props: &message.Properties{}, Received: at},
			`{"topic":"p","payload":"","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":0,"properties":{}}`},
		{"properties", JSONOptions{}, message.Message{Topic: "p", Received: at, Props: &message.Properties{
			PayloadFormat: &one, MessageExpiry: &expiry, ContentType: "text/plain", ResponseTopic: "r/1",
			CorrelationData: []byte{1, 0xfe}, SubscriptionIDs: []int{3, 268435455}, TopicAlias: &alias,
			User:         []message.UserProperty{{Key: "k", Value: "1"}, {Key: "j", Value: "2"}, {Key: "k", Value: "3"}},
			ReasonString: "not a PUBLISH property"}},
			`{"topic":"p","payload":"","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":0,"properties":{` +
				`"payload-format-indicator":1,"message-expiry-interval":3600,"content-type":"text/plain",` +
				`"response-topic":"r/1","correlation-data":"Af4=","correlation-data-encoding":"base64",` +
				`"subscription-identifier":[3,268435455],"topic-alias":7,"user-property":[["k","1"],["j","2"],["k","3"]]}}`},
		{"text correlation", JSONOptions{}, message.Message{Topic: "p", Received: at, Props: &message.Properties{CorrelationData: []byte("id-1")}},
			`{"topic":"p","payload":"","qos":0,"retain":false,"dup":false,"mid":0,` + tail + `,"size":0,"properties":{"correlation-data":"id-1"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mustJSONLines(t, tc.opts).Append([]byte("before"), &tc.m)
			if err != nil || string(got) != "before"+tc.want+"\n" {
				t.Errorf("got  %s (%v)\nwant before%s", got, err, tc.want)
			}
			if !json.Valid([]byte(tc.want)) {
				t.Errorf("want is not JSON: %s", tc.want)
			}
		})
	}
}

// jsonLine is what a reader of --json decodes.
type jsonLine struct {
	Topic      string
	Payload    json.RawMessage
	Encoding   string
	Size       int
	Properties struct {
		UserProperty [][2]string `json:"user-property"`
	}
}

func decodeJSONLine(t *testing.T, b []byte) jsonLine {
	t.Helper()
	var l jsonLine
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return l
}

func TestJSONLinesBinarySafe(t *testing.T) {
	var all [256]byte
	for i := range all {
		all[i] = byte(i)
	}
	for _, p := range [][]byte{all[:], {0xff}, []byte("a\x00b\xff\x80c\"\\\n\x01"), []byte("\xc3")} {
		for _, opts := range []JSONOptions{{}, {Pretty: true}, {EmbedPayload: true}} {
			out, _ := mustJSONLines(t, opts).Append(nil, &message.Message{Topic: "bin", Payload: p})
			if !opts.Pretty && bytes.Count(out, []byte("\n")) != 1 {
				t.Errorf("not one line: %q", out)
			}
			l := decodeJSONLine(t, out)
			var s string
			if err := json.Unmarshal(l.Payload, &s); err != nil {
				t.Fatal(err)
			}
			got, err := base64.StdEncoding.DecodeString(s)
			if err != nil || l.Encoding != "base64" || !bytes.Equal(got, p) || l.Size != len(p) {
				t.Errorf("%q: payload %q encoding %q size %d", p, got, l.Encoding, l.Size)
			}
		}
	}
	// And UTF-8 text, control bytes and NUL included, comes back as the same string.
	text := "ctl\x01\x1f\x7f \"q\" \\ / é€😀\t\r\n\b\f\x00\u2028"
	out, _ := mustJSONLines(t, JSONOptions{}).Append(nil, &message.Message{Topic: "t", Payload: []byte(text)})
	var s string
	if err := json.Unmarshal(decodeJSONLine(t, out).Payload, &s); err != nil || s != text {
		t.Errorf("got %q, %v", s, err)
	}
}

func TestJSONLinesUserPropertiesKeepOrder(t *testing.T) {
	m := fixtureNamed("v5").message(expiry)
	out, _ := mustJSONLines(t, JSONOptions{}).Append(nil, m)
	got := decodeJSONLine(t, out).Properties.UserProperty
	want := [][2]string{{"k1", "v1"}, {"k2", "v2"}, {"k1", "dup"}}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestJSONLinesPretty(t *testing.T) {
	m := fixtureNamed("v5").message(expiry)
	m.Received = time.Unix(1704402245, 0)
	for _, embed := range []bool{false, true} {
		compact, _ := mustJSONLines(t, JSONOptions{EmbedPayload: embed}).Append(nil, m)
		pretty, _ := mustJSONLines(t, JSONOptions{EmbedPayload: embed, Pretty: true}).Append(nil, m)
		// The same layout as encoding/json's.
		var want bytes.Buffer
		if err := json.Indent(&want, bytes.TrimSuffix(compact, []byte("\n")), "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		if string(pretty) != want.String() {
			t.Errorf("pretty:\n%s\nwant\n%s", pretty, want.String())
		}
		if !strings.Contains(string(pretty), "\n  \"topic\": \"fmt/v5\",\n") {
			t.Errorf("not indented:\n%s", pretty)
		}
		decodeJSONLine(t, pretty)
	}
	// An embedded payload is laid out with the rest; empty containers stay as they are.
	m = &message.Message{Topic: "j", Payload: []byte(`{"a":[],"b":{ },"c":[1,{"d":"x\"]"}]}`)}
	got, _ := mustJSONLines(t, JSONOptions{EmbedPayload: true, Pretty: true}).Append(nil, m)
	if !strings.HasPrefix(string(got), "{\n  \"topic\": \"j\",\n  \"payload\": {\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n      1,\n      {\n        \"d\": \"x\\\"]\"\n      }\n    ]\n  },\n") {
		t.Errorf("got\n%s", got)
	}
}

func TestJSONLinesDoesNotAllocate(t *testing.T) {
	m := benchMessage()
	m.Props = fixtureNamed("v5").message(expiry).Props
	for _, opts := range []JSONOptions{{}, {Pretty: true}, {EmbedPayload: true}, {Location: time.Local}, {Output: "hex"}, {Output: "base64"}} {
		j := mustJSONLines(t, opts)
		buf := make([]byte, 0, 4096)
		if allocs := testing.AllocsPerRun(1000, func() { buf, _ = j.Append(buf[:0], m) }); allocs != 0 {
			t.Errorf("%+v: %v allocations per message", opts, allocs)
		}
	}
}

func benchmarkJSONLines(b *testing.B, opts JSONOptions) {
	j := mustJSONLines(b, opts)
	m := benchMessage()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = j.Append(buf[:0], m)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkJSONLines(b *testing.B)       { benchmarkJSONLines(b, JSONOptions{}) }
func BenchmarkJSONLinesPretty(b *testing.B) { benchmarkJSONLines(b, JSONOptions{Pretty: true}) }
func BenchmarkJSONLinesEmbed(b *testing.B)  { benchmarkJSONLines(b, JSONOptions{EmbedPayload: true}) }

// appendJSONLayout lays out JSON as encoding/json's Compact and Indent do.
func TestJSONLayoutMatchesEncodingJSON(t *testing.T) {
	// The "json" fixture is cJSON's idea of JSON (-.5e1), so it is not among them.
	docs := []string{strings.ReplaceAll(fixtureNamed("json").payload, "-.5e1", "-0.5e1"), fixtureNamed("v5").payload, " [ ] ", "{ }", `"a\\"`, "\t-1.5e3\r\n",
		`[[],[{}],{"a":{"b":[null,true,false]}}, "x,y:{[" ]`}
	for _, d := range docs {
		var compact, indent bytes.Buffer
		if err := json.Compact(&compact, []byte(d)); err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&indent, []byte(d), "", "  "); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(indent.String())
		if got := string(appendJSONLayout(nil, []byte(d), false)); got != compact.String() {
			t.Errorf("compact %q:\n%s\nwant\n%s", d, got, compact.String())
		}
		if got := string(appendJSONLayout(nil, []byte(d), true)); got != want {
			t.Errorf("indent %q:\n%s\nwant\n%s", d, got, want)
		}
	}
}

func mustJSONLines(t testing.TB, o JSONOptions) *JSONLines {
	t.Helper()
	j, err := NewJSONLines(o)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// --output with --json: the payload in that encoding, whatever it is, and "encoding" says which.
func TestJSONLinesOutput(t *testing.T) {
	for _, c := range []struct {
		output, payload, want string
	}{
		{"", "hi", `"payload":"hi","qos"`},
		{"text", "hi", `"payload":"hi","qos"`},
		{"hex", "hi", `"payload":"6869","encoding":"hex","qos"`},
		{"hex", "\x00\xff", `"payload":"00ff","encoding":"hex","qos"`},
		{"hex", "", `"payload":"","encoding":"hex","qos"`},
		{"base64", "hi", `"payload":"aGk=","encoding":"base64","qos"`},
		{"base64", "{}", `"payload":"e30=","encoding":"base64","qos"`},
	} {
		// --json-payload gives way: the payload was asked for in an encoding.
		out, _ := mustJSONLines(t, JSONOptions{Output: c.output, EmbedPayload: true}).Append(nil, &message.Message{Topic: "t", Payload: []byte(c.payload)})
		if !strings.Contains(string(out), c.want) {
			t.Errorf("--output %q, %q: %s, want %s", c.output, c.payload, out, c.want)
		}
		if !json.Valid(out) {
			t.Errorf("not JSON: %s", out)
		}
	}
	if _, err := NewJSONLines(JSONOptions{Output: "octal"}); err == nil || !strings.Contains(err.Error(), "use text, hex or base64") {
		t.Errorf("--output octal: %v", err)
	}
}
