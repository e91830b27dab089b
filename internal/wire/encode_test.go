package wire

import (
	"bytes"
	"testing"

	"mqtt/internal/message"
)

// Properties go in the order given, then those not listed by identifier; a user property once per
// entry of Order, the rest after; what was given twice goes once.
func TestAppendPropsOrder(t *testing.T) {
	pf, rm := byte(1), uint16(20)
	p := &message.Properties{
		User:          []message.UserProperty{{Key: "a", Value: "b"}, {Key: "c", Value: "d"}, {Key: "e", Value: "f"}},
		ResponseTopic: "/r", ContentType: "ct", PayloadFormat: &pf, ReceiveMaximum: &rm,
		Order: []byte{PropUser, PropResponseTopic, PropContentType, PropContentType, PropUser},
	}
	got := AppendProps(nil, p, ForPublish)
	want := []byte{
		0x26, 0, 1, 'a', 0, 1, 'b', 0x08, 0, 2, '/', 'r', 0x03, 0, 2, 'c', 't', 0x26, 0, 1, 'c', 0, 1, 'd',
		0x01, 1, // not in Order: by identifier
		0x26, 0, 1, 'e', 0, 1, 'f', // the user property Order did not list
	}
	want = append([]byte{byte(len(want))}, want...) // receive-maximum cannot go in a PUBLISH
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
	if n := PropsLen(p, ForPublish); n != len(want)-1 {
		t.Errorf("PropsLen %d, want %d", n, len(want)-1)
	}
	if a := testing.AllocsPerRun(100, func() { got = AppendProps(got[:0], p, ForPublish) }); a != 0 {
		t.Errorf("%v allocations", a)
	}
}

// libmosquitto's CONNECT for mosquitto_pub -V 5 -t a -m x -i me --will-topic w --will-payload wp
// --will-qos 1 --will-retain -D will user-property a b -D will content-type c -D will will-delay-interval 5
// -D will message-expiry-interval 7 -D connect maximum-packet-size 1000 -u user -P pass -k 30, captured.
func TestAppendConnectAsLibmosquitto(t *testing.T) {
	u, pw, mps, rm, wd, me := "user", "pass", uint32(1000), uint16(20), uint32(5), uint32(7)
	c := &Connect{Version: 5, ClientID: "me", CleanStart: true, KeepAlive: 30, Username: &u, Password: &pw,
		Props: &message.Properties{MaximumPacketSize: &mps, ReceiveMaximum: &rm, Order: []byte{PropMaximumPacketSize}},
		Will: &Will{Topic: "w", Payload: []byte("wp"), QoS: 1, Retain: true, Props: &message.Properties{
			User: []message.UserProperty{{Key: "a", Value: "b"}}, ContentType: "c", WillDelay: &wd, MessageExpiry: &me,
			Order: []byte{PropUser, PropContentType, PropWillDelay, PropMessageExpiry},
		}},
	}
	want := []byte{0x10, 0x40, 0, 4, 'M', 'Q', 'T', 'T', 5, 0xee, 0, 0x1e, 8, 0x27, 0, 0, 3, 0xe8, 0x21, 0, 0x14,
		0, 2, 'm', 'e', 0x15, 0x26, 0, 1, 'a', 0, 1, 'b', 3, 0, 1, 'c', 0x18, 0, 0, 0, 5, 2, 0, 0, 0, 7,
		0, 1, 'w', 0, 2, 'w', 'p', 0, 4, 'u', 's', 'e', 'r', 0, 4, 'p', 'a', 's', 's'}
	if got := AppendConnect(nil, c); !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

func TestAppendDisconnect(t *testing.T) {
	if got := AppendDisconnect(nil, true, 0, nil); !bytes.Equal(got, []byte{0xe0, 0}) {
		t.Errorf("v5 DISCONNECT % x, want e0 00", got)
	}
	if got := AppendDisconnect(nil, true, 0, &message.Properties{ReasonString: "x", Order: []byte{PropReasonString}}); !bytes.Equal(got, []byte{0xe0, 6, 0, 4, 0x1f, 0, 1, 'x'}) {
		t.Errorf("v5 DISCONNECT with a reason string % x", got)
	}
}

func TestStringProp(t *testing.T) {
	props := []byte{0x22, 0, 10, 0x26, 0, 1, 'k', 0, 1, 'v', 0x0b, 0x80, 1, 0x12, 0, 3, 'a', 'b', 'c'}
	if id, ok := StringProp(props, PropAssignedClientID); !ok || id != "abc" {
		t.Errorf("got %q %v", id, ok)
	}
	if _, ok := StringProp(props[:len(props)-1], PropAssignedClientID); ok {
		t.Error("found a string cut short")
	}
}
