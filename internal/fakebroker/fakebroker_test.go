package fakebroker

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// A v5 CONNECT with a client id, then a SUBSCRIBE with two filters: the broker records both as sent,
// answers with a CONNACK and a SUBACK granting what was asked, and masks the id and packet id.
func TestAcceptRecordsAndAnswers(t *testing.T) {
	b := Start(t, Accept)
	c, err := net.Dial("tcp", b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	connect := []byte{0x10, 15, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 60, 0, 0, 2, 'i', 'd'}
	connect[1] = byte(len(connect) - 2)
	sub := []byte{0x82, 13, 0, 7, 0, 0, 1, 'a', 1, 0, 3, 'b', '/', 'c', 2}
	sub[1] = byte(len(sub) - 2)
	if _, err := c.Write(append(append([]byte{}, connect...), sub...)); err != nil {
		t.Fatal(err)
	}
	want := append(Connack(true, 0), Suback(true, 7, 1, 2)...)
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("answers % x, %v; want % x", got, err, want)
	}
	ps := b.Packets()
	if len(ps) != 2 || !bytes.Equal(ps[0].Raw, connect) || !bytes.Equal(ps[1].Raw, sub) {
		t.Fatalf("recorded %v", ps)
	}
	if ps[0].ClientID() != "id" || !bytes.Contains(ps[0].Masked(), []byte{0, 2, 'x', 'x'}) {
		t.Errorf("client id %q, masked % x", ps[0].ClientID(), ps[0].Masked())
	}
	if ps[1].ID() != 7 || !bytes.HasPrefix(ps[1].Masked(), []byte{0x82, 13, 0xff, 0xff}) {
		t.Errorf("SUBSCRIBE id %d, masked % x", ps[1].ID(), ps[1].Masked())
	}
	if f := ps[1].Filters(true); len(f) != 2 || f[0] != "a" || f[1] != "b/c" {
		t.Errorf("filters %q", f)
	}
}

// A reply can replace the standard answer: here a QoS 2 PUBLISH is answered with a PUBACK, as RabbitMQ
// does, and WaitFor sees the PUBLISH.
func TestRepliesReplaceTheStandardAnswer(t *testing.T) {
	b := Start(t, Serve(Replies{PUBLISH: func(c *Conn, p Packet) bool { return c.Send(Ack(PUBACK, p.ID())) == nil }}))
	c, err := net.Dial("tcp", b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pub := Publish(false, "t", "x", 2, false, 9)
	if _, err := c.Write(pub); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, []byte{0x40, 2, 0, 9}) {
		t.Fatalf("answer % x, %v", got, err)
	}
	if p, ok := b.WaitFor(PUBLISH, 10*time.Second); !ok || p.Topic() != "t" || p.QoS() != 2 {
		t.Fatalf("WaitFor: %v %v", p, ok)
	}
}
