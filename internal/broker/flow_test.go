package broker

import (
	"bytes"
	"net"
	"slices"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"
)

// recordingConn keeps what is written to it.
type recordingConn struct {
	net.Conn
	out    bytes.Buffer
	writes int
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes++
	return c.out.Write(p)
}

func encode(t testing.TB, pk packets.Packet) []byte {
	t.Helper()
	pk.ProtocolVersion = 4
	var b bytes.Buffer
	var err error
	switch pk.FixedHeader.Type {
	case packets.Publish:
		err = pk.PublishEncode(&b)
	case packets.Puback:
		err = pk.PubackEncode(&b)
	case packets.Pubrel:
		err = pk.PubrelEncode(&b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func publish(t testing.TB, id uint16, qos byte, dup bool) []byte {
	return encode(t, packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos, Dup: dup},
		PacketID: id, TopicName: "flow/test", Payload: []byte{byte(id)}})
}

// sentIDs reads back the packet identifiers of the QoS 1 and 2 PUBLISH packets written, in order.
func sentIDs(t testing.TB, b []byte) []uint16 {
	t.Helper()
	var ids []uint16
	for len(b) > 0 {
		n := packetSize(b)
		if n <= 0 || n > len(b) {
			t.Fatalf("written bytes end in a broken packet: % x", b)
		}
		if id, _, ok := publishID(b[:n]); ok {
			ids = append(ids, id)
		}
		b = b[n:]
	}
	return ids
}

var connack = []byte{0x20, 0x02, 0x00, 0x00}

// newTestFlow is a flowConn past its CONNACK, with nothing written yet.
func newTestFlow(window, queued int) (*flowConn, *recordingConn, *[]uint16) {
	rc := &recordingConn{}
	fc := newFlowConn(rc)
	var dropped []uint16
	fc.limit(window, queued, func(id uint16) { dropped = append(dropped, id) })
	fc.Write(connack)
	rc.out.Reset()
	rc.writes = 0
	return fc, rc, &dropped
}

// A PUBLISH written before the CONNACK follows it, within the window.
func TestFlowWaitsForConnack(t *testing.T) {
	for _, window := range []int{0, 1} {
		rc := &recordingConn{}
		fc := newFlowConn(rc)
		fc.limit(window, -1, nil)
		fc.Write(publish(t, 1, 1, false))
		fc.Write(publish(t, 2, 0, false))
		if rc.out.Len() != 0 {
			t.Fatalf("window %d: % x written before the CONNACK", window, rc.out.Bytes())
		}
		fc.Write(slices.Concat(connack, publish(t, 3, 1, false)))
		want := slices.Concat(connack, publish(t, 1, 1, false), publish(t, 2, 0, false))
		if window == 0 {
			want = append(want, publish(t, 3, 1, false)...)
		}
		if !bytes.Equal(rc.out.Bytes(), want) {
			t.Fatalf("window %d: wrote % x, want % x", window, rc.out.Bytes(), want)
		}
	}
}

var connackResumed = []byte{0x20, 0x02, 0x01, 0x00}

// On a resumed session, a new message written while mochi resends the session's messages follows
// them, once all mochi listed are written, and one it resent as well is not sent again.
func TestFlowResume(t *testing.T) {
	rc := &recordingConn{}
	fc := newFlowConn(rc)
	fc.limit(2, -1, nil)
	fc.resume(func() int { return 3 })
	if n, ok := fc.nextNumber(); !ok || n != 4 {
		t.Fatalf("nextNumber() = %d, %v; want 4, true", n, ok)
	}
	fc.Write(publish(t, 5, 1, false)) // before the CONNACK; mochi lists it to resend too
	fc.Write(connackResumed)
	for _, id := range []uint16{1, 5, 6} {
		fc.resendListed()
		if id == 6 {
			fc.Write(publish(t, 7, 1, false)) // new, while mochi resends
			fc.resent()                       // mochi has listed all; 6 is not written yet
			if _, ok := fc.nextNumber(); ok {
				t.Fatal("still numbering once all are listed")
			}
		}
		fc.Write(publish(t, id, 1, true))
	}
	fc.Write(publish(t, 8, 1, false))
	for _, id := range []uint16{1, 5, 6, 7} {
		fc.acked(id)
	}
	if !bytes.HasPrefix(rc.out.Bytes(), connackResumed) {
		t.Fatalf("wrote % x, want the CONNACK first", rc.out.Bytes())
	}
	if got := sentIDs(t, rc.out.Bytes()[len(connackResumed):]); !slices.Equal(got, []uint16{1, 5, 6, 7, 8}) {
		t.Fatalf("sent %v, want [1 5 6 7 8]", got)
	}
}

// The window is the client's: no more than it in flight, the rest sent in order as each is
// acknowledged, whatever else is written meanwhile.
func TestFlowWindow(t *testing.T) {
	fc, rc, _ := newTestFlow(2, -1)
	for id := uint16(1); id <= 5; id++ {
		fc.Write(publish(t, id, 1, false))
	}
	fc.Write(publish(t, 0, 0, false)) // QoS 0 is never held
	fc.Write(encode(t, packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: 9}))
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 2}) {
		t.Fatalf("sent %v with a window of 2, want [1 2]", got)
	}
	if !bytes.Contains(rc.out.Bytes(), publish(t, 0, 0, false)) {
		t.Fatal("a QoS 0 PUBLISH was held back")
	}
	fc.acked(7) // not in flight: frees nothing
	fc.acked(2)
	fc.acked(2) // twice: frees once
	fc.acked(1)
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 2, 3, 4}) {
		t.Fatalf("sent %v after two acknowledgements, want [1 2 3 4]", got)
	}
	fc.acked(3)
	fc.acked(4)
	fc.acked(5)
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 2, 3, 4, 5}) {
		t.Fatalf("sent %v, want all five", got)
	}
	if len(fc.inflight) != 0 || len(fc.held) != 0 {
		t.Fatalf("%d in flight and %d held after every acknowledgement", len(fc.inflight), len(fc.held))
	}
}

// A resend of a message in flight goes at once; a new message under an identifier still in flight
// waits for that identifier's acknowledgement.
func TestFlowIdentifiers(t *testing.T) {
	fc, rc, _ := newTestFlow(2, -1)
	fc.Write(publish(t, 1, 1, false))
	fc.Write(publish(t, 1, 1, true))
	fc.Write(publish(t, 1, 2, false))
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 1}) {
		t.Fatalf("sent %v, want the message and its resend", got)
	}
	fc.acked(1)
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 1, 1}) {
		t.Fatalf("sent %v, want the new message once the identifier is free", got)
	}
}

// Past the window and the queue, new messages are dropped and reported; resends never are.
func TestFlowQueueLimit(t *testing.T) {
	fc, rc, dropped := newTestFlow(1, 2)
	for id := uint16(1); id <= 5; id++ {
		fc.Write(publish(t, id, 1, false))
	}
	fc.Write(publish(t, 6, 1, true))
	if !slices.Equal(*dropped, []uint16{4, 5}) {
		t.Fatalf("dropped %v, want [4 5]", *dropped)
	}
	for id := uint16(1); id <= 6; id++ {
		fc.acked(id)
	}
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 2, 3, 6}) {
		t.Fatalf("sent %v, want [1 2 3 6]", got)
	}
}

// mochi writes several packets at once, and a packet may in principle be split between writes.
func TestFlowSplitWrites(t *testing.T) {
	fc, rc, _ := newTestFlow(1, -1)
	all := slices.Concat(publish(t, 1, 1, false), publish(t, 2, 2, false), publish(t, 3, 1, false))
	for _, b := range [][]byte{all[:1], all[1:4], all[4:20], all[20:]} {
		if n, err := fc.Write(b); n != len(b) || err != nil {
			t.Fatalf("Write of %d bytes: %d, %v", len(b), n, err)
		}
	}
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1}) {
		t.Fatalf("sent %v, want [1]", got)
	}
	fc.acked(1)
	fc.acked(2)
	if !bytes.Equal(rc.out.Bytes(), all) {
		t.Fatalf("wrote % x, want % x", rc.out.Bytes(), all)
	}
}

// Without a window (before CONNECT, or a client with none) every write passes as it is.
func TestFlowWithoutWindow(t *testing.T) {
	fc, rc, _ := newTestFlow(0, 5)
	p := slices.Concat(publish(t, 1, 1, false), []byte{0x30})
	fc.Write(p)
	if !bytes.Equal(rc.out.Bytes(), p) || rc.writes != 1 {
		t.Fatalf("wrote % x in %d writes, want % x in one", rc.out.Bytes(), rc.writes, p)
	}
}

// A held message mochi gave up is not sent later.
func TestFlowForget(t *testing.T) {
	fc, rc, _ := newTestFlow(1, -1)
	for id := uint16(1); id <= 3; id++ {
		fc.Write(publish(t, id, 1, false))
	}
	fc.forget(2)
	fc.acked(1)
	if got := sentIDs(t, rc.out.Bytes()); !slices.Equal(got, []uint16{1, 3}) {
		t.Fatalf("sent %v, want [1 3]", got)
	}
}

// Whatever mochi writes, in whatever pieces, and whatever is acknowledged: no panic, nothing
// written that was not given, no more QoS 1 and 2 messages in flight than the window, and, once
// every message is acknowledged, every byte given written or kept (or dropped past the queue).
func FuzzFlowConn(f *testing.F) {
	f.Add(slices.Concat(publish(f, 1, 1, false), publish(f, 2, 2, true), publish(f, 3, 0, false)), uint8(1), uint8(3), uint8(7))
	f.Add([]byte{0x32, 0x80, 0x80, 0x80, 0x80, 0x01}, uint8(2), uint8(1), uint8(0))
	f.Add([]byte{0x32, 0x03, 0x00, 0x05, 0x61}, uint8(2), uint8(1), uint8(1))
	f.Add(slices.Concat(publish(f, 1, 1, false), connack, publish(f, 2, 1, false)), uint8(5), uint8(3), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, window, queued, chunk uint8) {
		fc, rc, dropped := newTestFlow(int(window%4), int(queued%5)-1)
		if window&4 != 0 { // before the CONNACK
			fc = newFlowConn(rc)
			fc.limit(int(window%4), int(queued%5)-1, func(id uint16) { *dropped = append(*dropped, id) })
		}
		step := int(chunk%16) + 1
		for i := 0; i < len(data); i += step {
			fc.Write(data[i:min(i+step, len(data))])
			if w := int(fc.window.Load()); w > 0 && len(fc.inflight) > w {
				t.Fatalf("%d in flight with a window of %d", len(fc.inflight), w)
			}
		}
		for i := 0; len(fc.inflight) > 0 && i < 100; i++ {
			for id := range fc.inflight {
				fc.acked(id)
			}
		}
		kept := len(fc.partial)
		for _, pkt := range slices.Concat(fc.held, fc.early, fc.fresh) {
			kept += len(pkt)
		}
		if len(*dropped) == 0 && rc.out.Len()+kept != len(data) {
			t.Fatalf("wrote %d bytes and kept %d of %d, none dropped", rc.out.Len(), kept, len(data))
		}
		if rc.out.Len()+kept > len(data) {
			t.Fatalf("wrote %d bytes and kept %d of %d", rc.out.Len(), kept, len(data))
		}
	})
}
