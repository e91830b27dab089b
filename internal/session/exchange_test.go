package session_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// These tests play the broker's end of a loopback connection packet by packet, for what a real broker
// is rarely made to do on cue: refuse a publish with a given reason code, or drop the connection with
// acknowledgements half done. They speak through the Session interface only, so they hold for any
// engine behind it.

// peer is the broker's end of one connection.
type peer struct {
	t  *testing.T
	c  net.Conn
	r  *bufio.Reader
	v5 bool
}

// packet is one MQTT packet as read by a peer: the first byte and what follows the fixed header.
type packet struct {
	first byte
	body  []byte
}

func (p packet) typ() byte { return p.first >> 4 }

// id is the packet identifier that starts the body of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE and
// UNSUBSCRIBE, and follows the topic of a QoS 1/2 PUBLISH.
func (p packet) id() uint16 {
	if p.typ() == 3 {
		n := int(binary.BigEndian.Uint16(p.body))
		return binary.BigEndian.Uint16(p.body[2+n:])
	}
	return binary.BigEndian.Uint16(p.body)
}

func (p packet) String() string {
	names := [...]string{"?", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
		"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"}
	s := names[p.typ()]
	switch p.typ() {
	case 3:
		n := int(binary.BigEndian.Uint16(p.body))
		s += fmt.Sprintf(" %q", p.body[2:2+n])
		if p.first&0x06 != 0 {
			s += fmt.Sprintf(" id %d", p.id())
		}
		if p.first&0x08 != 0 {
			s += " DUP"
		}
	case 4, 5, 6, 7:
		s += fmt.Sprintf(" id %d", p.id())
	}
	return s
}

// listen accepts connections on a loopback port and hands each over as a peer speaking version v.
func listen(t *testing.T, v byte) (transport.Dialer, <-chan *peer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	peers := make(chan *peer)
	stop, done := make(chan struct{}), make(chan struct{})
	var conns []net.Conn
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case peers <- &peer{t: t, c: c, r: bufio.NewReader(c), v5: v == session.V5}:
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}, peers
}

// next reads one packet; the read deadline only bounds a failure.
func (p *peer) next() packet {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(session.FailAfter))
	first, err := p.r.ReadByte()
	if err != nil {
		p.t.Fatalf("broker side: reading a packet: %v", err)
	}
	n, shift := 0, 0
	for {
		b, err := p.r.ReadByte()
		if err != nil || shift > 21 {
			p.t.Fatalf("broker side: reading a remaining length: %v", err)
		}
		n |= int(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			break
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(p.r, body); err != nil {
		p.t.Fatalf("broker side: reading a %d-byte body: %v", n, err)
	}
	return packet{first, body}
}

// expect reads the next packet and fails unless it is of type typ.
func (p *peer) expect(typ byte, context string) packet {
	p.t.Helper()
	pk := p.next()
	if pk.typ() != typ {
		p.t.Fatalf("%s: the client sent %v", context, pk)
	}
	return pk
}

func (p *peer) send(first byte, body ...byte) {
	p.t.Helper()
	if _, err := p.c.Write(append([]byte{first, byte(len(body))}, body...)); err != nil {
		p.t.Fatalf("broker side: writing: %v", err)
	}
}

// accept reads the CONNECT and accepts it, with no session kept.
func (p *peer) accept() {
	p.t.Helper()
	p.expect(1, "first packet")
	if p.v5 {
		p.send(0x20, 0, 0, 0) // no properties
	} else {
		p.send(0x20, 0, 0)
	}
}

// ack sends a PUBACK, PUBREC or PUBCOMP (typ 4, 5, 7) for id, with a reason code on v5.
func (p *peer) ack(typ byte, id uint16, reason byte) {
	p.t.Helper()
	if p.v5 {
		p.send(typ<<4, byte(id>>8), byte(id), reason)
	} else {
		p.send(typ<<4, byte(id>>8), byte(id))
	}
}

// filters are the topic filters of a SUBSCRIBE or UNSUBSCRIBE.
func (p *peer) filters(pk packet) []string {
	b := pk.body[2:]
	if p.v5 {
		n, k := binary.Uvarint(b) // the property length: MQTT's variable byte integer is a uvarint
		b = b[k+int(n):]
	}
	var fs []string
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		fs = append(fs, string(b[2:2+n]))
		b = b[2+n:]
		if pk.typ() == 8 {
			b = b[1:] // subscription options
		}
	}
	return fs
}

// acknowledge answers a SUBSCRIBE with a SUBACK that grants QoS 1 to each filter, or an UNSUBSCRIBE
// with an UNSUBACK (on v5 with a success code for each filter).
func (p *peer) acknowledge(pk packet) {
	p.t.Helper()
	first, code := byte(0x90), byte(1)
	if pk.typ() == 10 {
		first, code = 0xb0, 0
	}
	body := pk.body[:2:2]
	if p.v5 {
		body = append(body, 0) // no properties
	}
	if p.v5 || pk.typ() == 8 {
		for range p.filters(pk) {
			body = append(body, code)
		}
	}
	p.send(first, body...)
}

// disconnect disconnects s, and fails unless the DISCONNECT is the next packet: anything before it is
// something the client owed nobody, which why says.
func (p *peer) disconnect(s session.Session, why string) {
	p.t.Helper()
	if err := s.Disconnect(session.Bounded(p.t), nil); err != nil {
		p.t.Fatal(err)
	}
	if got := p.next(); got.typ() != 14 {
		p.t.Errorf("the client sent %v before its DISCONNECT: %s", got, why)
	}
}

var versions = []struct {
	name string
	v    byte
}{{"3.1.1", session.V311}, {"5", session.V5}}
