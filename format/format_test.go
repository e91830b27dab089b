package format

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

// refusals are the -F strings mosquitto_sub 2.0.11 refuses, with its message (after "Error: "), as seen on
// this machine; TestRefusesLikeMosquittoSub checks them against the real program.
var refusals = []struct{ spec, msg string }{
	{"%", "Incomplete format specifier."},
	{"%0", "Incomplete format specifier."},
	{"%-", "Incomplete format specifier."},
	{"%1", "Incomplete format specifier."},
	{"%.", "Incomplete format specifier."},
	{"%.1", "Incomplete format specifier."},
	{"%05", "Incomplete format specifier."},
	{"%-5", "Incomplete format specifier."},
	{"%5.5", "Incomplete format specifier."},
	{"abc%", "Incomplete format specifier."},
	{"%t%", "Incomplete format specifier."},
	{"%%%", "Incomplete format specifier."},
	{"@", "Incomplete format specifier."},
	{`%t\n@`, "Incomplete format specifier."},
	{`\`, "Incomplete escape specifier."},
	{`a\`, "Incomplete escape specifier."},
	{"%Z", "Invalid format specifier 'Z'."},
	{"%5Z", "Invalid format specifier 'Z'."},
	{"%0-t", "Invalid format specifier '-'."},
	{"%--t", "Invalid format specifier '-'."},
	{"%.-t", "Invalid format specifier '-'."},
	{"%é", "Invalid format specifier '\xc3'."},
	{"% t", "Invalid format specifier ' '."},
	{`\Z`, "Invalid escape specifier 'Z'."},
	{`\x`, "Invalid escape specifier 'x'."},
	{`\é`, "Invalid escape specifier '\xc3'."},
	{`\%`, "Invalid escape specifier '%'."},
	{`%t \b`, "Invalid escape specifier 'b'."},
	// What mosquitto 2.1 added, and DialectMQTT accepts, 2.0.11 refuses.
	{"%f", "Invalid format specifier 'f'."},
	{"%10.3d", "Invalid format specifier 'd'."},
	{"%.2:x", "Invalid format specifier ':'."},
	{"%+f", "Invalid format specifier '+'."},
	{"%5 X", "Invalid format specifier ' '."},
	{"%0-x", "Invalid format specifier '-'."},
}

func TestCompileRefuses(t *testing.T) {
	for _, tc := range refusals {
		_, err := Compile(tc.spec, Options{})
		if err == nil || err.Error() != tc.msg {
			t.Errorf("Compile(%q) = %v, want %q", tc.spec, err, tc.msg)
		}
	}
	if _, err := Compile("%", Options{}); !errors.Is(err, ErrIncompleteFormat) {
		t.Errorf("want ErrIncompleteFormat, got %v", err)
	}
	var se *SpecifierError
	if _, err := Compile(`\q`, Options{}); !errors.As(err, &se) || !se.Escape || se.Char != 'q' {
		t.Errorf("want an escape SpecifierError for 'q', got %v", err)
	}
}

// TestCompileAccepts covers strings mosquitto accepts though they look odd, with what it prints for them.
func TestCompileAccepts(t *testing.T) {
	m := &message.Message{Topic: "a/text", Payload: []byte("hello world")}
	for _, tc := range []struct{ spec, want string }{
		{"", "\n"},
		{"%-0t", "a/text\n"},
		{"%.%", "%\n"},
		{"%5.%", "%\n"},
		{"%-05%", "%\n"},
		{"%-05.3t|", "a/t  |\n"},
		{"@@%%\\\\", "@%\\\n"},
		// check_format and formatted_print both stop at a NUL: argv cannot carry one.
		{"%t\x00%Z", "a/text\n"},
		// Widths beyond maxWidth are clamped (mosquitto would pad with up to 2 GiB).
		{"%99999999999999999999p|", strings.Repeat(" ", maxWidth-11) + "hello world|\n"},
	} {
		f, err := Compile(tc.spec, Options{})
		if err != nil {
			t.Errorf("Compile(%q): %v", tc.spec, err)
			continue
		}
		if got, _ := f.Append(nil, m); string(got) != tc.want {
			t.Errorf("Compile(%q)\n got %q\nwant %q", tc.spec, got, tc.want)
		}
	}
}

func TestNewPicksTheMode(t *testing.T) {
	m := &message.Message{Topic: "t", Payload: []byte("p")}
	empty := &message.Message{Topic: "t"}
	for _, tc := range []struct {
		opts       Options
		want, none string // for m and for the empty message
	}{
		{Options{}, "p\n", ""},
		{Options{NoEOL: true}, "p", ""},
		{Options{Verbose: true}, "t p\n", "t (null)\n"},
		{Options{Verbose: true, NoEOL: true}, "t p", ""},
		{Options{Format: "<%t>", Verbose: true}, "<t>\n", "<t>\n"},
		{Options{Format: "<%p>", NoEOL: true}, "<p>", "<>"},
	} {
		f, err := New(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Append(nil, m); string(got) != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.opts, got, tc.want)
		}
		if got, _ := f.Append(nil, empty); string(got) != tc.none {
			t.Errorf("%+v, empty payload: got %q, want %q", tc.opts, got, tc.none)
		}
	}
}

// TestNotJSON: mosquitto reports a %J failure on stderr once per %J and prints the rest of the line.
func TestNotJSON(t *testing.T) {
	f, err := Compile("<%J|%J|%t>", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Append([]byte("x"), &message.Message{Topic: "a/b\x00c", Payload: []byte("{")})
	if string(got) != "x<||a/b>\n" {
		t.Errorf("got %q", got)
	}
	var nj *NotJSONError
	if !errors.As(err, &nj) || nj.Count != 2 || err.Error() != "Message payload is not valid JSON on topic a/b." {
		t.Errorf("got %#v %q", err, err)
	}
}

// TestNotFloat: %f and %d print nothing for a payload of another size than theirs, the rest of the line is
// printed, and the error says which were wanted; with %J failing too, both are reported.
func TestNotFloat(t *testing.T) {
	f, err := Compile("<%f|%d|%f|%t>", Options{Dialect: DialectMQTT})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		payload         string
		out, msg        string
		floats, doubles int
	}{
		{"1234x", "<|||a/b>\n", "Message payload on topic a/b is 5 bytes, not the 4 of a float for %f nor the 8 of a double for %d.", 2, 1},
		{"\x00\x00\x00\x00", "<0.000000||0.000000|a/b>\n", "Message payload on topic a/b is 4 bytes, not the 8 of a double for %d.", 0, 1},
		{"\x00\x00\x00\x00\x00\x00\x00\x00", "<|0.000000||a/b>\n", "Message payload on topic a/b is 8 bytes, not the 4 of a float for %f.", 2, 0},
	} {
		got, err := f.Append(nil, &message.Message{Topic: "a/b\x00c", Payload: []byte(tc.payload)})
		var nf *NotFloatError
		if !errors.As(err, &nf) || nf.Floats != tc.floats || nf.Doubles != tc.doubles || nf.Size != len(tc.payload) || nf.Error() != tc.msg {
			t.Errorf("%q: error %#v %q", tc.payload, err, err)
		}
		if string(got) != tc.out {
			t.Errorf("%q: printed %q, want %q", tc.payload, got, tc.out)
		}
	}
	both, err := Compile("%J%f", Options{Dialect: DialectMQTT})
	if err != nil {
		t.Fatal(err)
	}
	_, err = both.Append(nil, &message.Message{Topic: "t", Payload: []byte("1234x")})
	var nf *NotFloatError
	var nj *NotJSONError
	if !errors.As(err, &nf) || !errors.As(err, &nj) || nf.Floats != 1 || nj.Count != 1 {
		t.Errorf("%%J%%f on 1234x: %#v", err)
	}
}

// TestUnobservable covers properties a mosquitto broker never delivers to mosquitto_sub (a topic alias, several
// subscription identifiers) and C string truncation; the expected bytes follow sub_client_output.c.
func TestUnobservable(t *testing.T) {
	alias := uint16(7)
	m := &message.Message{
		Topic:   "top\x00ic",
		Payload: []byte("x"),
		Props: &message.Properties{
			TopicAlias:      &alias,
			SubscriptionIDs: []int{3, 4},
			User:            []message.UserProperty{{Key: "k\x00x", Value: "v\x00y"}},
			ContentType:     "c\x00t",
		},
		Received: time.Unix(0, 0),
	}
	for _, tc := range []struct{ spec, want string }{
		{"[%A][%5A][%-5A][%05A]", "[7][    7][7    ][00007]"},
		{"[%S][%3S]", "[3][  3]"},
		{"[%t][%P][%C]", "[top][k:v][c]"},
		{"%j", `{"tst":"1970-01-01T00:00:00.000000Z+0000","topic":"top","qos":0,"retain":0,"payloadlen":1,` +
			`"properties":{"subscription-identifier":3,"subscription-identifier":4,"content-type":"c",` +
			`"topic-alias":7,"user-properties":{"k":"v"}},"payload":"x"}`},
	} {
		f, err := Compile(tc.spec, Options{NoEOL: true, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Append(nil, m); string(got) != tc.want {
			t.Errorf("%q\n got %q\nwant %q", tc.spec, got, tc.want)
		}
	}
}

// TestJSONBinarySafe covers where %j deliberately differs from mosquitto, which prints binary data raw up to
// its first NUL: the output is always JSON, and the bytes come back.
func TestJSONBinarySafe(t *testing.T) {
	f, err := Compile("%j", Options{NoEOL: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		payload string
		corr    string
		want    string // the tail of the object after "payloadlen"
	}{
		{"binary payload", "a\x00b\xff", "", `"payloadlen":4,"payload":"YQBi/w==","encoding":"base64"}`},
		{"NUL in text", "a\x00b", "", `"payloadlen":3,"payload":"a\u0000b"}`},
		{"binary correlation data", "p", "\xff\x00", `"payloadlen":1,"properties":{"correlation-data":"/wA=",` +
			`"correlation-data-encoding":"base64"},"payload":"p"}`},
	} {
		m := &message.Message{Topic: "t", Payload: []byte(tc.payload), Received: time.Unix(0, 0)}
		if tc.corr != "" {
			m.Props = &message.Properties{CorrelationData: []byte(tc.corr)}
		}
		got, _ := f.Append(nil, m)
		if !strings.HasSuffix(string(got), tc.want) {
			t.Errorf("%s\n got %s\nwant …%s", tc.name, got, tc.want)
		}
		var v struct {
			Payload  string `json:"payload"`
			Encoding string `json:"encoding"`
		}
		if err := json.Unmarshal(got, &v); err != nil {
			t.Errorf("%s: not JSON: %v", tc.name, err)
			continue
		}
		back := []byte(v.Payload)
		if v.Encoding == "base64" {
			back, _ = base64.StdEncoding.DecodeString(v.Payload)
		}
		if string(back) != tc.payload {
			t.Errorf("%s: payload came back as %q", tc.name, back)
		}
	}
}

// TestJSONRaw pins cJSON's leniencies and layout in %J beyond the live fixtures; the expected values were
// printed by mosquitto_sub 2.0.11 on this machine.
func TestJSONRaw(t *testing.T) {
	f, err := Compile("%J", Options{NoEOL: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	const head = `{"tst":"1970-01-01T00:00:00.000000Z+0000","topic":"t","qos":0,"retain":0,"payloadlen":`
	for _, tc := range []struct{ payload, want string }{
		{"01", `2,"payload":1}`},
		{"1.", `2,"payload":1}`},
		{"-0", `2,"payload":-0}`},
		{"1e15", `4,"payload":1e+15}`},
		{"1e400", `5,"payload":null}`},
		{"1e-400", `6,"payload":0}`},
		{"123456789012", `12,"payload":123456789012}`},
		{"3.14159265358979323846", `22,"payload":3.1415926535897931}`},
		{"0.30000000000000004", `19,"payload":0.3}`},
		{"5e-324", `6,"payload":4.94065645841247e-324}`},
		{strings.Repeat("1", 70), `70,"payload":1.1111111111111112e+69}`},
		{`"\u0000abc"`, `11,"payload":""}`},
		{`"\uZZZZx"`, `9,"payload":""}`},
		{`"a\/b\u00e9\ud83d\ude00"`, `24,"payload":"a/bé😀"}`},
		{"\"tab\traw\"", `9,"payload":"tab\traw"}`},
		{"  [1,2]  ", `9,"payload":[1,2]}`},
		{"[]", `2,"payload":[]}`},
		{"{}", `2,"payload":{}}`},
		{strings.Repeat("[", 1000) + strings.Repeat("]", 1000), `2000,"payload":` + strings.Repeat("[", 1000) +
			strings.Repeat("]", 1000) + "}"},
	} {
		got, err := f.Append(nil, &message.Message{Topic: "t", Payload: []byte(tc.payload), Received: time.Unix(0, 0)})
		if err != nil || string(got) != head+tc.want {
			t.Errorf("%q\n got %s (%v)\nwant %s", tc.payload, got, err, head+tc.want)
		}
	}
	for _, bad := range []string{`"\ud83d"`, "nul", "1 2", "[1,]", `{"a":1,}`, "1.5.3", ".5", "+1", "-", "1e",
		`"\u00"`, `"\ud800\u0041"`, `"x\`, "{}\x00", strings.Repeat("[", 1001) + strings.Repeat("]", 1001)} {
		got, err := f.Append(nil, &message.Message{Topic: "t", Payload: []byte(bad)})
		if err == nil || len(got) != 0 {
			t.Errorf("%q: got %q, %v; want nothing and an error", bad, got, err)
		}
	}
}

// TestJSONPretty pins cJSON_Print's layout of nested and empty containers, as mosquitto_sub printed it.
func TestJSONPretty(t *testing.T) {
	f, err := Compile("%J", Options{NoEOL: true, Pretty: true, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"a":[{"b":[]},{},[1,{"c":{}}]],"d":{"e":"f"},"":0, "k\u0000x":1}`
	got, _ := f.Append(nil, &message.Message{Topic: "t", Payload: []byte(payload), Received: time.Unix(0, 0)})
	want := "{\n\t\"tst\":\t\"1970-01-01T00:00:00.000000Z+0000\",\n\t\"topic\":\t\"t\",\n\t\"qos\":\t0,\n" +
		"\t\"retain\":\t0,\n\t\"payloadlen\":\t65,\n\t\"payload\":\t{\n" +
		"\t\t\"a\":\t[{\n\t\t\t\t\"b\":\t[]\n\t\t\t}, {\n\t\t\t}, [1, {\n\t\t\t\t\t\"c\":\t{\n\t\t\t\t\t}\n\t\t\t\t}]],\n" +
		"\t\t\"d\":\t{\n\t\t\t\"e\":\t\"f\"\n\t\t},\n\t\t\"\":\t0,\n\t\t\"k\":\t1\n\t}\n}"
	if string(got) != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}
