package session

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"

	"mqtt/internal/wire"
)

// traceConn prints a line per MQTT packet in each direction, worded as libmosquitto's debug log
// ("Client mosq-x sending PUBLISH (d0, q1, r0, m1, 'a', ... (5 bytes))"). What is sent is read from the
// bytes written, and printed before they are written, as libmosquitto does, so that the answer cannot be
// printed first; what is received is told by inbound, packet by packet, when it is handled, so that each
// line comes out in order with the message it is about. It cannot leak a password: CONNECT is printed
// without its payload.
type traceConn struct {
	net.Conn
	mu      sync.Mutex
	out     io.Writer
	id      string
	version byte
	wr      scanner
	// mid is the identifier libmosquitto would have given the last message: it numbers QoS 0 messages
	// too, and prints that number, though it is not on the wire.
	mid uint16
}

func newTraceConn(c net.Conn, out io.Writer, id string) *traceConn {
	t := &traceConn{Conn: c, out: out, id: id, version: V311}
	t.wr.emit = func(typ, flags byte, body []byte, n int) { t.line("sending", typ, flags, body, n) }
	return t
}

func (t *traceConn) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.wr.feed(p)
	t.mu.Unlock()
	return t.Conn.Write(p)
}

// received prints the line for one packet from the broker.
func (t *traceConn) received(first byte, body []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if first>>4 == wire.TypeConnack && t.version == V5 {
		// libmosquitto takes the id the broker assigned before it prints the CONNACK.
		if id := assignedID(body); id != "" {
			t.id = id
		}
	}
	t.line("received", first>>4, first&15, body, len(body))
}

// assignedID is the assigned-client-identifier of a v5 CONNACK body, or "".
func assignedID(body []byte) string {
	if len(body) < 3 {
		return ""
	}
	pl, n := uvarint(body[2:])
	props := body[2+n:]
	if n == 0 || pl > len(props) {
		return ""
	}
	id, _ := wire.StringProp(props[:pl], wire.PropAssignedClientID)
	return id
}

var packetNames = [...]string{"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
	"PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"}

func (t *traceConn) line(dir string, typ, flags byte, b []byte, size int) {
	name := packetNames[typ&15]
	prefix := fmt.Sprintf("Client %s %s %s", t.id, dir, name)
	var s string
	switch typ {
	case 1: // CONNECT: the protocol level decides how later packets are parsed
		if len(b) >= 2 {
			if l := int(binary.BigEndian.Uint16(b)); len(b) > 2+l {
				t.version = b[2+l]
			}
		}
		s = prefix
	case 2:
		if len(b) >= 2 {
			s = fmt.Sprintf("%s (%d)", prefix, b[1])
		}
	case 3:
		s = t.publishLine(prefix, dir == "sending", flags, b, size)
	case 4, 5, 7:
		if len(b) >= 2 {
			mid := binary.BigEndian.Uint16(b)
			rc := byte(0)
			if len(b) > 2 {
				rc = b[2]
			}
			if dir == "sending" && typ == 7 {
				s = fmt.Sprintf("%s (m%d)", prefix, mid)
			} else if dir == "sending" {
				s = fmt.Sprintf("%s (m%d, rc%d)", prefix, mid, rc)
			} else if typ == 5 {
				s = fmt.Sprintf("%s (Mid: %d)", prefix, mid)
			} else {
				s = fmt.Sprintf("%s (Mid: %d, RC:%d)", prefix, mid, rc)
			}
		}
	case 6:
		if len(b) >= 2 {
			s = fmt.Sprintf("%s (m%d)", prefix, binary.BigEndian.Uint16(b))
		}
	case 8, 10:
		s = t.subscribeLine(prefix, typ, b)
	}
	if s == "" {
		s = prefix
	}
	fmt.Fprintln(t.out, s)
}

func (t *traceConn) publishLine(prefix string, sending bool, flags byte, b []byte, size int) string {
	if len(b) < 2 {
		return prefix
	}
	l := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+l {
		return prefix
	}
	topic, rest, used := string(b[2:2+l]), b[2+l:], 2+l
	qos := (flags >> 1) & 3
	mid := uint16(0)
	if qos > 0 && len(rest) >= 2 {
		mid = binary.BigEndian.Uint16(rest)
		rest, used = rest[2:], used+2
	}
	if sending && flags&8 == 0 { // a message sent again keeps its number
		if qos == 0 {
			mid = t.next()
		} else {
			t.mid = mid
		}
	}
	if t.version == V5 {
		plen, n := uvarint(rest)
		used += n + plen
	}
	return fmt.Sprintf("%s (d%d, q%d, r%d, m%d, '%s', ... (%d bytes))",
		prefix, flags>>3&1, qos, flags&1, mid, topic, size-used)
}

// next is the identifier libmosquitto gives its next message.
func (t *traceConn) next() uint16 {
	t.mid++
	if t.mid == 0 {
		t.mid = 1
	}
	return t.mid
}

func (t *traceConn) subscribeLine(prefix string, typ byte, b []byte) string {
	if len(b) < 2 {
		return prefix
	}
	mid := binary.BigEndian.Uint16(b)
	t.mid = mid
	rest := b[2:]
	if t.version == V5 {
		plen, n := uvarint(rest)
		if n+plen > len(rest) {
			return prefix
		}
		rest = rest[n+plen:]
	}
	var s string
	for len(rest) >= 2 {
		l := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+l {
			break
		}
		topic := string(rest[2 : 2+l])
		rest = rest[2+l:]
		if typ == 10 {
			s += fmt.Sprintf("%s (Mid: %d, Topic: %s)\n", prefix, mid, topic)
			continue
		}
		if len(rest) < 1 {
			break
		}
		opt := rest[0]
		rest = rest[1:]
		s += fmt.Sprintf("%s (Mid: %d, Topic: %s, QoS: %d, Options: 0x%02x)\n", prefix, mid, topic, opt&3, opt&^3)
	}
	if len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s
}

func uvarint(b []byte) (int, int) {
	v, shift := 0, 0
	for i, c := range b {
		if i == 4 {
			break
		}
		v |= int(c&127) << shift
		if c&128 == 0 {
			return v, i + 1
		}
		shift += 7
	}
	return 0, len(b)
}

// scanner splits a byte stream into MQTT packets, keeping at most the first maxBody bytes of each, which
// is enough for every header field the trace prints, so a large payload is never held twice.
type scanner struct {
	emit   func(typ, flags byte, body []byte, size int)
	hdr    []byte
	size   int
	remain int
	body   []byte
	inBody bool
}

const maxBody = 70000

func (s *scanner) feed(p []byte) {
	for len(p) > 0 {
		if !s.inBody {
			s.hdr = append(s.hdr, p[0])
			p = p[1:]
			if len(s.hdr) < 2 || s.hdr[len(s.hdr)-1]&128 != 0 && len(s.hdr) < 5 {
				continue
			}
			s.size, _ = uvarint(s.hdr[1:])
			s.remain, s.inBody, s.body = s.size, true, s.body[:0]
		}
		n := min(s.remain, len(p))
		if keep := min(n, maxBody-len(s.body)); keep > 0 {
			s.body = append(s.body, p[:keep]...)
		}
		p, s.remain = p[n:], s.remain-n
		if s.remain == 0 {
			s.emit(s.hdr[0]>>4, s.hdr[0]&15, s.body, s.size)
			s.hdr, s.inBody = s.hdr[:0], false
		}
	}
}
