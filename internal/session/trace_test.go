package session

import (
	"bytes"
	"strings"
	"testing"
)

func TestTraceLines(t *testing.T) {
	var out bytes.Buffer
	tc := newTraceConn(nil, &out, "c1")
	connect := []byte{0x10, 22, 0, 4, 'M', 'Q', 'T', 'T', 5, 0xc2, 0, 60, 0, 0, 2, 'c', '1', 0, 3, 's', 'e', 'c', 'r', 't'}
	connect[1] = byte(len(connect) - 2)
	publish := []byte{0x33, 0, 0, 3, 'a', '/', 'b', 0, 7, 0, 'h', 'i', '!'}
	publish[1] = byte(len(publish) - 2)
	subscribe := []byte{0x82, 0, 0, 2, 0, 0, 1, 'x', 0x21}
	subscribe[1] = byte(len(subscribe) - 2)
	// Bytes arrive in pieces, as from a socket.
	for _, b := range [][]byte{connect[:3], connect[3:], publish, subscribe[:5], subscribe[5:]} {
		tc.wr.feed(b)
	}
	tc.received(0x20, []byte{0, 0, 0})
	tc.received(0x40, []byte{0, 7, 0x10, 0})
	want := strings.Join([]string{
		"Client c1 sending CONNECT",
		"Client c1 sending PUBLISH (d0, q1, r1, m7, 'a/b', ... (3 bytes))",
		"Client c1 sending SUBSCRIBE (Mid: 2, Topic: x, QoS: 1, Options: 0x20)",
		"Client c1 received CONNACK (0)",
		"Client c1 received PUBACK (Mid: 7, RC:16)",
		"",
	}, "\n")
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	if strings.Contains(out.String(), "secrt") {
		t.Fatal("the password was printed")
	}
}
