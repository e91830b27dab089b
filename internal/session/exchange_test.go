package session_test

import (
	"fmt"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// These tests play the broker's end of a connection packet by packet, over internal/fakebroker, for what
// a real broker is rarely made to do on cue: refuse a publish with a given reason code, or drop the
// connection with acknowledgements half done. They speak through the Session interface only, so they
// hold for any engine behind it.

// peer is the broker's end of one connection, driven by the test.
type peer struct {
	t *testing.T
	c *fakebroker.Conn
}

// listen starts a fake broker whose connections the test drives itself, each handed over as a peer.
func listen(t *testing.T) (transport.Dialer, <-chan *peer) {
	t.Helper()
	peers := make(chan *peer)
	done := make(chan struct{})
	b := fakebroker.Start(t, func(c *fakebroker.Conn) {
		select {
		case peers <- &peer{t: t, c: c}:
			<-done // the connection is the test's until it ends
		case <-done:
		}
	})
	t.Cleanup(func() { close(done) }) // before the broker's own cleanup, which waits for the scripts
	return transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: b.Port}, peers
}

func (p *peer) v5() bool { return p.c.Version == 5 }

// next reads one packet; the read deadline only bounds a failure.
func (p *peer) next() fakebroker.Packet {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(session.FailAfter))
	pk, err := p.c.Next()
	if err != nil {
		p.t.Fatalf("broker side: reading a packet: %v", err)
	}
	return pk
}

// expect reads the next packet and fails unless it is of type typ.
func (p *peer) expect(typ byte, context string) fakebroker.Packet {
	p.t.Helper()
	pk := p.next()
	if pk.Type() != typ {
		p.t.Fatalf("%s: the client sent %s", context, describe(pk))
	}
	return pk
}

func (p *peer) send(b []byte) {
	p.t.Helper()
	if err := p.c.Send(b); err != nil {
		p.t.Fatalf("broker side: writing: %v", err)
	}
}

// accept reads the CONNECT and accepts it, with no session kept.
func (p *peer) accept() {
	p.t.Helper()
	p.expect(fakebroker.CONNECT, "first packet")
	p.send(fakebroker.Connack(p.v5(), 0))
}

// ack sends a PUBACK, PUBREC or PUBCOMP for id, with a reason code on v5 (fakebroker.Ack has none).
func (p *peer) ack(typ byte, id uint16, reason byte) {
	p.t.Helper()
	if p.v5() {
		p.send([]byte{typ << 4, 3, byte(id >> 8), byte(id), reason})
	} else {
		p.send(fakebroker.Ack(typ, id))
	}
}

// acknowledge answers a SUBSCRIBE or UNSUBSCRIBE as a broker does: every filter granted.
func (p *peer) acknowledge(pk fakebroker.Packet) {
	p.t.Helper()
	if !fakebroker.Standard(p.c, pk) {
		p.t.Fatalf("broker side: answering %s", describe(pk))
	}
}

// disconnect disconnects s, and fails unless the DISCONNECT is the next packet: anything before it is
// something the client owed nobody, which why says.
func (p *peer) disconnect(s session.Session, why string) {
	p.t.Helper()
	if err := s.Disconnect(session.Bounded(p.t), nil); err != nil {
		p.t.Fatal(err)
	}
	if got := p.next(); got.Type() != fakebroker.DISCONNECT {
		p.t.Errorf("the client sent %s before its DISCONNECT: %s", describe(got), why)
	}
}

// dup says a PUBLISH is marked as sent before.
func dup(pk fakebroker.Packet) bool { return pk.Raw[0]&0x08 != 0 }

// describe names a packet for a failure.
func describe(pk fakebroker.Packet) string {
	names := [...]string{"?", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
		"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"}
	s := names[pk.Type()]
	switch pk.Type() {
	case fakebroker.PUBLISH:
		s += fmt.Sprintf(" %q", pk.Topic())
		if pk.QoS() > 0 {
			s += fmt.Sprintf(" id %d", pk.ID())
		}
		if dup(pk) {
			s += " DUP"
		}
	case fakebroker.PUBACK, fakebroker.PUBREC, fakebroker.PUBREL, fakebroker.PUBCOMP:
		s += fmt.Sprintf(" id %d", pk.ID())
	}
	return s
}

var versions = []struct {
	name string
	v    byte
}{{"3.1.1", session.V311}, {"5", session.V5}}
