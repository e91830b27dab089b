package format

import (
	"testing"
	"time"

	"mqtt/internal/message"
)

func TestJSONLinesAppendDecoded(t *testing.T) {
	j, err := NewJSONLines(JSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := &message.Message{Topic: "t", Payload: []byte{0xa1, 0x61, 0x61, 0x01}, Received: time.Unix(0, 0)}
	got, _ := j.AppendDecoded(nil, m, Decoded{JSON: []byte(`{"a":1}`), Structured: true})
	want := `{"topic":"t","payload":"oWFhAQ==","encoding":"base64","decoded":{"a":1},"qos":0,"retain":false,"dup":false,"mid":0,"time":"1970-01-01T00:00:00.000000Z","time_ns":0,"size":4}` + "\n"
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Append, the plain path, has no "decoded".
	if plain, _ := j.Append(nil, m); string(plain) != `{"topic":"t","payload":"oWFhAQ==","encoding":"base64","qos":0,"retain":false,"dup":false,"mid":0,"time":"1970-01-01T00:00:00.000000Z","time_ns":0,"size":4}`+"\n" {
		t.Errorf("plain: %s", plain)
	}
}

func TestPrettyAppendDecoded(t *testing.T) {
	p := NewPretty(PrettyOptions{Location: time.UTC})
	m := &message.Message{Topic: "t", Payload: []byte{0xa1, 0x61, 0x61, 0x01}, Received: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	got, _ := p.AppendDecoded(nil, m, Decoded{JSON: []byte(`{"a":[1,"x"]}`), Structured: true})
	want := "── 2026-12-01 Tuesday ──\n10:00:00.000  t  q0\n  {\n    \"a\": [\n      1,\n      \"x\"\n    ]\n  }\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Text is shown as the payload is, not as a JSON string.
	m.Payload = []byte("hello")
	got, _ = p.AppendDecoded(nil, m, Decoded{JSON: []byte(`"hello"`)})
	if want := "10:00:00.000  t  q0\n  hello\n"; string(got) != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
}

// A decoded value past MaxPayload is cut as a payload is, with the decoded JSON's size.
func TestPrettyAppendDecodedCut(t *testing.T) {
	p := NewPretty(PrettyOptions{Location: time.UTC, MaxPayload: 10})
	m := &message.Message{Topic: "t", Payload: []byte{1}, Received: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	got, _ := p.AppendDecoded(nil, m, Decoded{JSON: []byte(`[1,2,3,4,5,6,7,8,9]`), Structured: true})
	want := "── 2026-12-01 Tuesday ──\n10:00:00.000  t  q0\n  [\n    1,\n    2,\n    3,\n    4,\n    5\n  … (19 bytes, 10 shown)\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestValues(t *testing.T) {
	if got := string(NewValues(false, false).Append(nil, []byte(`{"a":[1,2]}`))); got != "{\"a\":[1,2]}\n" {
		t.Errorf("pipe: %q", got)
	}
	got := string(NewValues(true, false).Append([]byte("x\n"), []byte(`{"a":[1,2],"b":{}}`)))
	if want := "x\n{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n"; got != want {
		t.Errorf("terminal: got\n%s\nwant\n%s", got, want)
	}
	if got := string(NewValues(true, false).Append(nil, []byte(`"a  b"`))); got != "\"a  b\"\n" {
		t.Errorf("terminal string: %q", got)
	}
}
