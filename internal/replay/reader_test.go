package replay

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"mqtt/format"
	"mqtt/internal/message"
)

// Whatever `mqtt sub --json` writes comes back as it was received: payload bytes, QoS, retain and the
// PUBLISH properties. (Compact and --pretty alike; --json-payload only for payloads that were not JSON.)
func TestReaderReadsWhatSubJSONWrites(t *testing.T) {
	var all [256]byte
	for i := range all {
		all[i] = byte(i)
	}
	one, expiry, alias := byte(1), uint32(60), uint16(2)
	at := time.Unix(1704402245, 123456000)
	msgs := []message.Message{
		{Topic: "bin", Payload: all[:], QoS: 2, Retain: true},
		{Topic: "text", Payload: []byte("héllo \"x\"\n\x00\x01 é€😀\u2028"), QoS: 1},
		{Topic: "empty"},
		{Topic: "not utf8", Payload: []byte{0xc3}},
		{Topic: "v5", Payload: []byte("{}"), Props: &message.Properties{
			PayloadFormat: &one, MessageExpiry: &expiry, ContentType: "application/json", ResponseTopic: "r/1",
			CorrelationData: []byte{0, 0xff}, SubscriptionIDs: []int{1, 268435455}, TopicAlias: &alias,
			User: []message.UserProperty{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}, {Key: "é", Value: ""}}}},
		{Topic: "v5 text correlation", Props: &message.Properties{CorrelationData: []byte("id-7")}},
		{Topic: "v5 none", Props: &message.Properties{}},
	}
	for _, opts := range []format.JSONOptions{{}, {Pretty: true}, {Output: "hex"}, {Output: "base64", Pretty: true}} {
		jl, err := format.NewJSONLines(opts)
		if err != nil {
			t.Fatal(err)
		}
		var rec []byte
		for i := range msgs {
			m := msgs[i]
			m.Received = at
			rec, _ = jl.Append(rec, &m)
		}
		r := NewReader(bytes.NewReader(rec), 0)
		for i, want := range msgs {
			got, err := r.Next()
			if err != nil {
				t.Fatalf("%+v, record %d: %v", opts, i, err)
			}
			if !got.Time.Equal(at) {
				t.Errorf("time %v", got.Time)
			}
			if want.Payload == nil {
				want.Payload = []byte{}
			}
			if got.Message.Payload == nil {
				got.Message.Payload = []byte{}
			}
			if !reflect.DeepEqual(got.Message, want) {
				t.Errorf("%+v, record %d:\n got %+v %+v\nwant %+v %+v", opts, i, got.Message, got.Message.Props, want, want.Props)
			}
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("after the last: %v", err)
		}
	}
}

func TestReaderEmbeddedPayload(t *testing.T) {
	m := message.Message{Topic: "j", Payload: []byte(`{ "a": [1, 2] }`)}
	jl, err := format.NewJSONLines(format.JSONOptions{EmbedPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := jl.Append(nil, &m)
	got, err := NewReader(bytes.NewReader(rec), 0).Next()
	if err != nil || string(got.Message.Payload) != `{"a":[1,2]}` {
		t.Errorf("%q %v", got.Message.Payload, err)
	}
}

func TestReaderLineNumbers(t *testing.T) {
	const ok = `{"topic":"a","payload":"1"}`
	for _, tc := range []struct {
		rec  string
		line int
		err  error
	}{
		{ok + "\n" + "\n" + "not json\n", 3, nil},
		{ok + "\r\n" + `{"payload":"x"}`, 2, ErrNoTopic},
		{`{"topic":""}`, 1, ErrNoTopic},
		{`{"topic":"a","payload":"%%%","encoding":"base64"}`, 1, ErrBase64},
		{`{"topic":"a","payload":"x","encoding":"hex"}`, 1, ErrHex},
		{`{"topic":"a","payload":"x","encoding":"rot13"}`, 1, ErrEncoding},
		{`{"topic":"a","payload":{"x":1},"encoding":"base64"}`, 1, ErrEncoding},
		{`{"topic":"a","qos":-1}`, 1, ErrQoS},
		{`{"topic":"a","time":"yesterday"}`, 1, ErrTime},
		{`{"topic":"a","time_ns":1.5}`, 1, ErrTimeNS},
		{`{"topic":"a","time_ns":"x"}`, 1, ErrTimeNS},
		{`{"topic":"a","properties":{"user-property":[["k"]]}}`, 1, ErrUserProp},
		{`{"topic":"a","properties":{"correlation-data":"!","correlation-data-encoding":"base64"}}`, 1, ErrCorrelation},
		{ok + "\n{\n  \"topic\": \"a\",\n  \"qos\": 9\n}\n", 2, ErrQoS},
		{ok + "\n{\n  \"topic\": \"a\"\n", 2, io.ErrUnexpectedEOF},
		{"[1]", 1, nil},
	} {
		r := NewReader(strings.NewReader(tc.rec), 0)
		var err error
		for err == nil {
			_, err = r.Next()
		}
		var le *LineError
		if !errors.As(err, &le) || le.Line != tc.line || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("%q: %v, want line %d %v", tc.rec, err, tc.line, tc.err)
		}
	}
}

// A line longer than the bound is refused once the bound is passed, not read whole first.
func TestReaderBoundsARecord(t *testing.T) {
	const max = 1000
	huge := &countingReader{r: io.MultiReader(strings.NewReader(`{"topic":"a"}`+"\n"+`{"topic":"`), infinite('x'))}
	r := NewReader(huge, max)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !errors.Is(err, ErrTooLong) {
		t.Fatalf("%v", err)
	}
	if huge.n > max+128<<10 {
		t.Errorf("read %d bytes for a bound of %d", huge.n, max)
	}
	// A record of exactly the bound is read.
	rec := `{"topic":"` + strings.Repeat("y", max-len(`{"topic":""}`+"\n")) + `"}` + "\n"
	if _, err := NewReader(strings.NewReader(rec), max).Next(); err != nil {
		t.Errorf("record of %d bytes: %v", len(rec), err)
	}
	// And a pretty record is bounded as a whole.
	pretty := "{\n" + strings.Repeat("  \"topic\": \"a\",\n", 100) + "}\n"
	if _, err := NewReader(strings.NewReader(pretty), max).Next(); !errors.Is(err, ErrTooLong) {
		t.Errorf("pretty record past the bound: %v", err)
	}
}

type infinite byte

func (c infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(line("a", "b", 0)))
	f.Add([]byte("{\n  \"topic\": \"a\",\n  \"payload\": \"AP8=\",\n  \"encoding\": \"base64\"\n}\n"))
	f.Add([]byte(`{"topic":"p","payload":{"a":1},"properties":{"user-property":[["k","v"]],"correlation-data":"x"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b), 4096)
		for range 10000 {
			rec, err := r.Next()
			if err != nil {
				var le *LineError
				if err != io.EOF && !errors.As(err, &le) {
					t.Fatalf("untyped error %v", err)
				}
				return
			}
			if rec.Message.Topic == "" || rec.Message.QoS > 2 || rec.Line < 1 {
				t.Fatalf("bad record %+v", rec)
			}
		}
	})
}
