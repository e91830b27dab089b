package fakebroker

import "encoding/binary"

// QoS is a PUBLISH's QoS.
func (p Packet) QoS() byte { return p.Raw[0] >> 1 & 3 }

// ID is the packet identifier of a PUBLISH (QoS 1 or 2), SUBSCRIBE, UNSUBSCRIBE or acknowledgement;
// 0 where there is none.
func (p Packet) ID() uint16 {
	if off := p.idOffset(); off >= 0 && off+2 <= len(p.Raw) {
		return binary.BigEndian.Uint16(p.Raw[off:])
	}
	return 0
}

// idOffset is where the packet identifier is in Raw, or -1.
func (p Packet) idOffset() int {
	switch p.Type() {
	case PUBLISH:
		b := p.Body()
		if p.QoS() == 0 || len(b) < 2 {
			return -1
		}
		return p.head + 2 + int(binary.BigEndian.Uint16(b))
	case PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK:
		return p.head
	}
	return -1
}

// Topic is a PUBLISH's topic.
func (p Packet) Topic() string {
	b := p.Body()
	if p.Type() != PUBLISH || len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
		return ""
	}
	return string(b[2 : 2+binary.BigEndian.Uint16(b)])
}

// ClientID is a CONNECT's client identifier.
func (p Packet) ClientID() string {
	off, n := p.clientIDSpan()
	if off < 0 {
		return ""
	}
	return string(p.Raw[off : off+n])
}

// clientIDSpan is where a CONNECT's client id is in Raw: its bytes start at off, n long; off is -1 when
// the packet does not parse.
func (p Packet) clientIDSpan() (off, n int) {
	b := p.Body()
	if p.Type() != CONNECT || len(b) < 2 {
		return -1, 0
	}
	i := 2 + int(binary.BigEndian.Uint16(b)) // protocol name
	if i+4 > len(b) {
		return -1, 0
	}
	v5 := b[i] == 5
	i += 4 // level, flags, keep-alive
	if v5 {
		l, m := varint(b[i:])
		if m == 0 {
			return -1, 0
		}
		i += m + l
	}
	if i+2 > len(b) {
		return -1, 0
	}
	n = int(binary.BigEndian.Uint16(b[i:]))
	if i+2+n > len(b) {
		return -1, 0
	}
	return p.head + i + 2, n
}

// filters are the topic filters of a SUBSCRIBE (withOptions: each followed by its options byte) or an
// UNSUBSCRIBE; the options are returned in opts.
func (p Packet) filters(v5, withOptions bool) (filters []string) {
	f, _ := p.filterList(v5, withOptions)
	return f
}

func (p Packet) filterList(v5, withOptions bool) (filters []string, opts []byte) {
	b := p.Body()
	if len(b) < 2 {
		return nil, nil
	}
	b = b[2:]
	if v5 {
		l, m := varint(b)
		if m == 0 || m+l > len(b) {
			return nil, nil
		}
		b = b[m+l:]
	}
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			break
		}
		filters = append(filters, string(b[2:2+n]))
		b = b[2+n:]
		if withOptions {
			if len(b) == 0 {
				break
			}
			opts = append(opts, b[0])
			b = b[1:]
		}
	}
	return filters, opts
}

// Filters are the topic filters of a SUBSCRIBE or UNSUBSCRIBE, in order; v5 says how it was sent.
func (p Packet) Filters(v5 bool) []string { return p.filters(v5, p.Type() == SUBSCRIBE) }

func (p Packet) requestedQoS(v5 bool) []byte {
	_, opts := p.filterList(v5, true)
	for i := range opts {
		opts[i] &= 3
	}
	return opts
}

// Masked is Raw with what differs from run to run for the same arguments blanked: the client id of a
// CONNECT (each byte 'x', its length kept) and the packet identifier (0xffff).
func (p Packet) Masked() []byte {
	m := append([]byte(nil), p.Raw...)
	if off, n := p.clientIDSpan(); off >= 0 {
		for i := off; i < off+n; i++ {
			m[i] = 'x'
		}
	}
	if off := p.idOffset(); off >= 0 && off+2 <= len(m) {
		m[off], m[off+1] = 0xff, 0xff
	}
	return m
}

func varint(b []byte) (v, n int) {
	mult := 1
	for i := 0; i < 4 && i < len(b); i++ {
		v += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
		mult <<= 7
	}
	return 0, 0
}
