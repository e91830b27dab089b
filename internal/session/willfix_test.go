package session

import (
	"bytes"
	"testing"

	"github.com/eclipse/paho.golang/packets"

	"mqtt/internal/message"
)

func TestPatchWillProperties(t *testing.T) {
	delay := uint32(7)
	wp := &message.Properties{ContentType: "text/plain", WillDelay: &delay, User: []message.UserProperty{{Key: "a", Value: "b"}}}
	c := &packets.Connect{
		ProtocolName: "MQTT", ProtocolVersion: 5, CleanStart: true, KeepAlive: 60, ClientID: "id",
		WillFlag: true, WillTopic: "w", WillMessage: []byte("bye"), WillProperties: toPacket(wp),
		Properties: &packets.Properties{},
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("text/plain")) {
		t.Skip("paho.golang packs will properties itself now; the patch can go")
	}
	out := patchWillProperties(b.Bytes(), willProperties(wp))
	if !bytes.Contains(out, []byte{packets.PropContentType, 0, 10, 't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'}) {
		t.Fatalf("content-type missing from %x", out)
	}
	if !bytes.Contains(out, []byte{packets.PropWillDelayInterval, 0, 0, 0, 7}) || !bytes.Contains(out, []byte("bye")) {
		t.Fatalf("will delay or payload missing from %x", out)
	}
	rl, n := uvarint(out[1:])
	if rl != len(out)-1-n {
		t.Fatalf("remaining length %d for %d bytes", rl, len(out)-1-n)
	}
	for _, bad := range [][]byte{nil, {0x10}, {0x30, 0}, {0x10, 5, 0, 4, 'M'}} {
		if got := patchWillProperties(bad, []byte{1}); !bytes.Equal(got, bad) {
			t.Errorf("patchWillProperties(%x) changed it to %x", bad, got)
		}
	}
}

func FuzzPatchWillProperties(f *testing.F) {
	f.Add([]byte{0x10, 3, 0, 1, 'M'}, []byte{3, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, pkt, props []byte) {
		patchWillProperties(pkt, props) // must not panic on any input
	})
}
