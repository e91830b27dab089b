package session

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// writeConn records what is written to it.
type writeConn struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
	wrote  chan struct{} // if set, told of each write
}

func (c *writeConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, append([]byte(nil), p...))
	c.mu.Unlock()
	if c.wrote != nil {
		c.wrote <- struct{}{}
	}
	return len(p), nil
}

func (c *writeConn) all() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Join(c.writes, nil)
}

// packets splits written bytes into packets.
func splitPackets(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		_, rem, hs, err := wire.Header(b)
		if err != nil || hs == 0 || len(b) < hs+rem {
			t.Fatalf("bad packet stream % x", b)
		}
		out = append(out, b[:hs+rem])
		b = b[hs+rem:]
	}
	return out
}

func TestOutboundEncodesAndBuffers(t *testing.T) {
	c := &writeConn{}
	o := newOutbound(c, false)
	o.start(20, 0)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := o.publish(ctx, &message.Message{Topic: "a/b", Payload: []byte("hi"), Retain: i == 2}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.writes) != 0 {
		t.Fatalf("%d writes before Flush: QoS 0 messages must wait in the buffer", len(c.writes))
	}
	if err := o.flush(); err != nil {
		t.Fatal(err)
	}
	if len(c.writes) != 1 {
		t.Fatalf("%d writes for three messages, want one", len(c.writes))
	}
	want := []byte{0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'}
	ps := splitPackets(t, c.all())
	if len(ps) != 3 || !bytes.Equal(ps[0], want) || ps[2][0] != 0x31 {
		t.Errorf("wrote % x", c.all())
	}
}

func TestOutboundLargePayloadNotCopied(t *testing.T) {
	c := &writeConn{}
	o := newOutbound(c, true)
	o.start(20, 0)
	big := bytes.Repeat([]byte{7}, 3*flushAt)
	if err := o.publish(context.Background(), &message.Message{Topic: "t", Payload: big}, nil); err != nil {
		t.Fatal(err)
	}
	ps := splitPackets(t, c.all())
	// v5: topic, an empty property length, then the payload.
	if len(ps) != 1 || !bytes.HasSuffix(ps[0], big) || !bytes.Contains(ps[0][:8], []byte{0, 1, 't', 0}) {
		t.Errorf("large publish wrote %d packets", len(ps))
	}
}

func TestOutboundAcknowledgements(t *testing.T) {
	c := &writeConn{}
	o := newOutbound(c, true)
	o.start(20, 0)
	ctx := context.Background()
	for _, q := range []byte{1, 2, 1} {
		if err := o.publish(ctx, &message.Message{Topic: "t", QoS: q}, nil); err != nil {
			t.Fatal(err)
		}
	}
	_ = o.flush()
	ids := []uint16{}
	for _, p := range splitPackets(t, c.all()) {
		ids = append(ids, uint16(p[5])<<8|uint16(p[6]))
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 3 {
		t.Fatalf("packet ids %v, want 1 2 3 as libmosquitto numbers them", ids)
	}
	ack := func(typ byte, id uint16, reason ...byte) {
		t.Helper()
		if err := o.ack(typ, append([]byte{byte(id >> 8), byte(id)}, reason...)); err != nil {
			t.Fatal(err)
		}
	}
	ack(wire.TypePuback, 1)
	ack(wire.TypePuback, 99) // stray: ignored
	before := len(c.all())
	ack(wire.TypePubrec, 2)
	if got := c.all()[before:]; !bytes.Equal(got, []byte{0x62, 2, 0, 2}) {
		t.Errorf("PUBREC answered with % x, want PUBREL 2", got)
	}
	ack(wire.TypePubcomp, 2)
	ack(wire.TypePuback, 3, 0x87) // not authorised
	r := o.window.drain(Bounded(t), nil)
	if r.Sent != 3 || r.Acked != 2 || r.Refused != 1 || r.LastReason == "" {
		t.Errorf("report %+v, want 3 sent, 2 acked, 1 refused with its reason", r)
	}
}

// A full window flushes before it waits: the acknowledgements that would make room are for messages
// still in the buffer otherwise.
func TestOutboundFlushesWhenTheWindowIsFull(t *testing.T) {
	c := &writeConn{wrote: make(chan struct{}, 1)}
	o := newOutbound(c, false)
	o.start(1, 0)
	ctx := Bounded(t)
	if err := o.publish(ctx, &message.Message{Topic: "t", QoS: 1}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- o.publish(ctx, &message.Message{Topic: "t", QoS: 1}, nil) }()
	// The first message reaches the connection while the second waits for room; its PUBACK makes room.
	Receive(t, c.wrote, "write of the first message while the second waits")
	if err := o.ack(wire.TypePuback, []byte{0, 1}); err != nil {
		t.Fatal(err)
	}
	if err := Receive(t, done, "end of the second publish after the PUBACK made room"); err != nil {
		t.Fatal(err)
	}
}

// A SUBSCRIBE takes an identifier out of use until its SUBACK, and the count moves past it: one counter
// numbers every packet, as in libmosquitto (mosquitto_rr: m1 SUBSCRIBE, m2 PUBLISH).
func TestOutboundNumbersRequestsAndPublishesAlike(t *testing.T) {
	c := &writeConn{wrote: make(chan struct{}, 1)}
	o := newOutbound(c, false)
	o.start(20, 0)
	done := make(chan []byte)
	go func() {
		codes, err := subscribe(context.Background(), o, nil, false, []wire.Subscription{{Filter: "x", QoS: 1}}, nil,
			nil, nil, func(err error) error { return err })
		if err != nil {
			t.Error(err)
		}
		done <- codes
	}()
	<-c.wrote
	if got := c.all(); !bytes.Equal(got, []byte{0x82, 6, 0, 1, 0, 1, 'x', 1}) {
		t.Fatalf("SUBSCRIBE % x", got)
	}
	if id := o.take(1); id != 2 {
		t.Errorf("first publish after SUBSCRIBE 1 got id %d, want 2", id)
	}
	o.nextID = 1
	if id := o.take(1); id != 3 {
		t.Errorf("got id %d while 1 is the SUBSCRIBE's and 2 in flight, want 3", id)
	}
	if err := o.requestAcked(wire.TypeSuback, []byte{0, 1, 1}); err != nil {
		t.Fatal(err)
	}
	if codes := <-done; !bytes.Equal(codes, []byte{1}) {
		t.Errorf("granted % x, want 01", codes)
	}
	o.nextID = 1
	if id := o.take(1); id != 1 {
		t.Errorf("got id %d after the SUBACK freed 1, want 1", id)
	}
}

// discardConn swallows writes.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkOutboundQoS0 is the cost of one `pub -l` line in the session: encode and buffer, with a write
// per 64 KiB.
func BenchmarkOutboundQoS0(b *testing.B) {
	o := newOutbound(discardConn{}, false)
	o.start(20, 0)
	m := &message.Message{Topic: "sensors/kitchen/temperature", Payload: []byte("000000000000001")}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := o.publish(ctx, m, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutboundV5Properties is a `pub -V 5 -D publish ...` message: its properties are encoded in
// the order given straight into the buffer, without allocating.
func BenchmarkOutboundV5Properties(b *testing.B) {
	o := newOutbound(discardConn{}, true)
	o.start(20, 0)
	pf := byte(1)
	m := &message.Message{Topic: "sensors/kitchen/temperature", Payload: []byte("000000000000001"), Props: &message.Properties{
		User: []message.UserProperty{{Key: "a", Value: "b"}, {Key: "c", Value: "d"}}, ResponseTopic: "/r", ContentType: "ct",
		PayloadFormat: &pf, Order: []byte{0x26, 0x08, 0x03, 0x26, 0x01},
	}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := o.publish(ctx, m, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutboundQoS1 adds the window, an identifier and the acknowledgement.
func BenchmarkOutboundQoS1(b *testing.B) {
	o := newOutbound(discardConn{}, false)
	o.start(100, 0)
	m := &message.Message{Topic: "sensors/kitchen/temperature", Payload: []byte("000000000000001"), QoS: 1}
	ctx := context.Background()
	ack := make([]byte, 2)
	b.ReportAllocs()
	for b.Loop() {
		if err := o.publish(ctx, m, nil); err != nil {
			b.Fatal(err)
		}
		id := o.nextID - 1
		if id == 0 {
			id = 65535 // the count wrapped to 1
		}
		ack[0], ack[1] = byte(id>>8), byte(id)
		if err := o.ack(wire.TypePuback, ack); err != nil {
			b.Fatal(err)
		}
	}
}

// deadConn is a connection that has dropped: every write fails, and each attempt is told.
type deadConn struct {
	net.Conn
	wrote chan struct{}
}

func (c deadConn) Write([]byte) (int, error) {
	c.wrote <- struct{}{}
	return 0, net.ErrClosed
}

// A reconnecting session's publish that finds the window full while the connection is down waits for
// room and goes out on the next connection; the flush that failed on the way is no reason to drop it.
func TestOutboundKeepsAPublishThatWaitedOnADeadConnection(t *testing.T) {
	dead := deadConn{wrote: make(chan struct{}, 1)}
	o := newOutbound(dead, false)
	o.keep = true
	o.start(1, 0)
	ctx := Bounded(t)
	if err := o.publish(ctx, &message.Message{Topic: "t", Payload: []byte("a"), QoS: 1}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- o.publish(ctx, &message.Message{Topic: "t", Payload: []byte("b"), QoS: 1}, nil) }()
	Receive(t, dead.wrote, "flush of the first message into the dead connection") // by the second publish

	next := &writeConn{}
	o.release(o.attach(next)) // as the CONNACK would
	if err := o.resend(true); err != nil {
		t.Fatal(err)
	}
	if err := o.ack(wire.TypePuback, []byte{0, 1}); err != nil { // the resent first message makes room
		t.Fatal(err)
	}
	if err := Receive(t, done, "end of the second publish once the resent first made room"); err != nil {
		t.Fatalf("second publish: %v, want it to wait for room rather than fail", err)
	}
	if err := o.flush(); err != nil {
		t.Fatal(err)
	}
	var payloads []string
	for _, p := range splitPackets(t, next.all()) {
		payloads = append(payloads, string(p[len(p)-1:]))
	}
	if len(payloads) != 2 || payloads[0] != "a" || payloads[1] != "b" {
		t.Errorf("the new connection got payloads %q, want the first again and then the second", payloads)
	}
	if r, _ := o.window.outstanding(); r.Sent != 2 {
		t.Errorf("the window counts %d sent, want 2: a publish it does not count cannot be reported unacknowledged", r.Sent)
	}
}

// Publish tells the caller the packet identifier it took, which `mqtt pub -v` shows; QoS 0 has none.
func TestOutboundReportsPacketID(t *testing.T) {
	c := &writeConn{}
	o := newOutbound(c, false)
	o.start(20, 0)
	ctx := context.Background()
	m := &message.Message{Topic: "a", Payload: []byte("x"), QoS: 1}
	for want := uint16(1); want <= 3; want++ {
		if err := o.publish(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
		if m.MID != want {
			t.Errorf("publish %d: MID %d", want, m.MID)
		}
	}
	m.QoS = 0
	if err := o.publish(ctx, m, nil); err != nil || m.MID != 0 {
		t.Errorf("QoS 0: MID %d, %v", m.MID, err)
	}
	if err := o.flush(); err != nil {
		t.Fatal(err)
	}
	pkts := splitPackets(t, c.all())
	if got := pkts[2][len(pkts[2])-3:]; got[0] != 0 || got[1] != 3 {
		t.Errorf("third PUBLISH carries id % x, want 00 03", got[:2])
	}
}
