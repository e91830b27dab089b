package session

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
)

// traceConn prints a line per MQTT packet in each direction, worded as libmosquitto's debug log
// ("Client mosq-x sending PUBLISH (d0, q1, r0, m1, 'a', ... (5 bytes))"). Reading the bytes on the wire
// works the same under both libraries and cannot leak a password: CONNECT is printed without its payload.
type traceConn struct {
	net.Conn
	mu      sync.Mutex
	out     io.Writer
	id      string
	version byte
	in, wr  scanner
}

func newTraceConn(c net.Conn, out io.Writer, id string) *traceConn {
	t := &traceConn{Conn: c, out: out, id: id, version: V311}
	t.in.emit = func(typ, flags byte, body []byte, n int) { t.line("received", typ, flags, body, n) }
	t.wr.emit = func(typ, flags byte, body []byte, n int) { t.line("sending", typ, flags, body, n) }
	return t
}

func (t *traceConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	t.in.feed(p[:n])
	t.mu.Unlock()
	return n, err
}

func (t *traceConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.mu.Lock()
	t.wr.feed(p[:n])
	t.mu.Unlock()
	return n, err
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
		s = t.publishLine(prefix, flags, b, size)
	case 4, 5, 7:
		if len(b) >= 2 {
			mid := binary.BigEndian.Uint16(b)
			rc := byte(0)
			if len(b) > 2 {
				rc = b[2]
			}
			if dir == "sending" {
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

func (t *traceConn) publishLine(prefix string, flags byte, b []byte, size int) string {
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
	if t.version == V5 {
		plen, n := uvarint(rest)
		used += n + plen
	}
	return fmt.Sprintf("%s (d%d, q%d, r%d, m%d, '%s', ... (%d bytes))",
		prefix, flags>>3&1, qos, flags&1, mid, topic, size-used)
}

func (t *traceConn) subscribeLine(prefix string, typ byte, b []byte) string {
	if len(b) < 2 {
		return prefix
	}
	mid := binary.BigEndian.Uint16(b)
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
