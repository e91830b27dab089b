package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"mqtt/internal/message"
)

func TestHeader(t *testing.T) {
	for _, tc := range []struct {
		in                    []byte
		first                 byte
		remaining, size       int
		malformed, incomplete bool
	}{
		{in: nil, incomplete: true},
		{in: []byte{0x30}, incomplete: true},
		{in: []byte{0x30, 0x00}, first: 0x30, size: 2},
		{in: []byte{0x32, 0x7f, 9}, first: 0x32, remaining: 127, size: 2},
		{in: []byte{0x30, 0x80}, incomplete: true},
		{in: []byte{0x30, 0x80, 0x01}, first: 0x30, remaining: 128, size: 3},
		{in: []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, first: 0x30, remaining: MaxRemaining, size: 5},
		{in: []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, malformed: true},
	} {
		first, remaining, size, err := Header(tc.in)
		switch {
		case tc.malformed:
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Header(% x) = %v, want malformed", tc.in, err)
			}
		case tc.incomplete:
			if err != nil || size != 0 {
				t.Errorf("Header(% x) = size %d, %v; want incomplete", tc.in, size, err)
			}
		case err != nil || first != tc.first || remaining != tc.remaining || size != tc.size:
			t.Errorf("Header(% x) = %#x %d %d %v, want %#x %d %d", tc.in, first, remaining, size, err,
				tc.first, tc.remaining, tc.size)
		}
	}
}

// publish builds a PUBLISH body: topic, packet id when qos > 0, v5 properties when props is not nil.
func publish(topic string, qos byte, mid uint16, props []byte, payload string) []byte {
	b := []byte{byte(len(topic) >> 8), byte(len(topic))}
	b = append(b, topic...)
	if qos > 0 {
		b = append(b, byte(mid>>8), byte(mid))
	}
	if props != nil {
		b = append(b, byte(len(props))) // short property lists only
		b = append(b, props...)
	}
	return append(b, payload...)
}

func ptr[T any](v T) *T { return &v }

func TestPublish(t *testing.T) {
	allProps := []byte{
		0x01, 1, // payload format
		0x02, 0, 0, 0x0e, 0x10, // message expiry 3600
		0x03, 0, 4, 't', 'e', 'x', 't', // content type
		0x08, 0, 1, 'r', // response topic
		0x09, 0, 2, 0, 0xff, // correlation data
		0x26, 0, 1, 'k', 0, 1, '1', // user property k=1
		0x26, 0, 1, 'k', 0, 1, '2', // the same name again, kept in order
		0x0b, 0x80, 0x01, // subscription identifier 128
		0x0b, 7, // and another
	}
	for _, tc := range []struct {
		name  string
		v5    bool
		first byte
		body  []byte
		want  message.Message
	}{
		{"qos 0", false, 0x30, publish("a/b", 0, 0, nil, "hello"),
			message.Message{Topic: "a/b", Payload: []byte("hello")}},
		{"qos 1 retained dup", false, 0x3b, publish("a", 1, 513, nil, "x"),
			message.Message{Topic: "a", Payload: []byte("x"), QoS: 1, Retain: true, Dup: true, MID: 513}},
		{"qos 2 empty payload", false, 0x34, publish("a", 2, 7, nil, ""),
			message.Message{Topic: "a", Payload: []byte{}, QoS: 2, MID: 7}},
		{"v5 no properties", true, 0x30, publish("a", 0, 0, []byte{}, "p"),
			message.Message{Topic: "a", Payload: []byte("p")}},
		{"v5 every property", true, 0x32, publish("ä/b", 1, 1, allProps, "\x00\x01"),
			message.Message{Topic: "ä/b", Payload: []byte{0, 1}, QoS: 1, MID: 1, Props: &message.Properties{
				PayloadFormat: ptr[byte](1), MessageExpiry: ptr[uint32](3600), ContentType: "text",
				ResponseTopic: "r", CorrelationData: []byte{0, 0xff}, SubscriptionIDs: []int{128, 7},
				User: []message.UserProperty{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}},
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decoder{V5: tc.v5}
			var m message.Message
			if err := d.Publish(tc.first, tc.body, &m); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, tc.want) {
				t.Errorf("got  %+v %+v\nwant %+v %+v", m, m.Props, tc.want, tc.want.Props)
			}
		})
	}
}

func TestPublishRefusesMalformed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v5    bool
		first byte
		body  []byte
	}{
		{"qos 3", false, 0x36, publish("a", 1, 1, nil, "")},
		{"no topic length", false, 0x30, []byte{0}},
		{"topic past the end", false, 0x30, []byte{0, 5, 'a'}},
		{"empty topic", false, 0x30, publish("", 0, 0, nil, "x")},
		{"no packet id", false, 0x32, []byte{0, 1, 'a', 0}},
		{"topic not utf-8", false, 0x30, publish("\xff", 0, 0, nil, "")},
		{"properties past the end", true, 0x30, append(publish("a", 0, 0, nil, ""), 5, 1)},
		{"property cut short", true, 0x30, publish("a", 0, 0, []byte{0x02, 0, 0}, "")},
		{"string cut short", true, 0x30, publish("a", 0, 0, []byte{0x03, 0, 9, 'x'}, "")},
		{"property not for PUBLISH", true, 0x30, publish("a", 0, 0, []byte{0x11, 0, 0, 0, 1}, "")},
		{"subscription id 0", true, 0x30, publish("a", 0, 0, []byte{0x0b, 0}, "")},
		{"topic alias 0", true, 0x30, publish("a", 0, 0, []byte{0x23, 0, 0}, "")},
		{"unknown topic alias", true, 0x30, publish("", 0, 0, []byte{0x23, 0, 9}, "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decoder{V5: tc.v5}
			var m message.Message
			if err := d.Publish(tc.first, tc.body, &m); !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want malformed", err)
			}
		})
	}
}

func TestTopicAlias(t *testing.T) {
	d := Decoder{V5: true}
	var m message.Message
	if err := d.Publish(0x30, publish("long/topic", 0, 0, []byte{0x23, 0, 3}, "1"), &m); err != nil {
		t.Fatal(err)
	}
	if err := d.Publish(0x30, publish("", 0, 0, []byte{0x23, 0, 3}, "2"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Topic != "long/topic" || string(m.Payload) != "2" {
		t.Errorf("got %q %q, want the aliased topic", m.Topic, m.Payload)
	}
}

// A stream on one topic must not allocate per message: the subscriber's CPU budget is a few hundred
// nanoseconds a message.
func TestPublishDoesNotAllocate(t *testing.T) {
	d := Decoder{}
	body := publish("sensors/kitchen/temperature", 0, 0, nil, "21.5")
	var m message.Message
	allocs := testing.AllocsPerRun(1000, func() {
		if err := d.Publish(0x30, body, &m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per message, want 0", allocs)
	}
	if !bytes.Equal(m.Payload, []byte("21.5")) {
		t.Errorf("payload %q", m.Payload)
	}
}

func BenchmarkPublish(b *testing.B) {
	d := Decoder{}
	body := publish("sensors/kitchen/temperature", 0, 0, nil, "000000000000001")
	var m message.Message
	b.SetBytes(int64(len(body) + 2))
	for b.Loop() {
		if err := d.Publish(0x30, body, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzPublish: any bytes decode or fail with ErrMalformed, never panic, and a decoded payload is the
// end of the body.
func FuzzPublish(f *testing.F) {
	f.Add(byte(0x30), false, publish("a/b", 0, 0, nil, "hello"))
	f.Add(byte(0x32), true, publish("a", 1, 1, []byte{0x26, 0, 1, 'k', 0, 1, 'v', 0x0b, 1}, "x"))
	f.Add(byte(0x30), true, publish("", 0, 0, []byte{0x23, 0, 1}, ""))
	f.Fuzz(func(t *testing.T, first byte, v5 bool, body []byte) {
		d := Decoder{V5: v5}
		var m message.Message
		err := d.Publish(first, body, &m)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if !bytes.HasSuffix(body, m.Payload) || m.Topic == "" || m.QoS > 2 {
			t.Fatalf("decoded %+v from % x", m, body)
		}
	})
}
