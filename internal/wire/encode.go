package wire

import (
	"encoding/binary"
	"fmt"

	"mqtt/internal/message"
)

// AppendPublishHeader appends a PUBLISH up to its payload: fixed header, topic, packet id (when qos > 0)
// and, on v5, the properties props in their Order. The caller appends the payload of payloadLen bytes.
func AppendPublishHeader(dst []byte, v5 bool, topic string, qos byte, retain, dup bool, id uint16, props *message.Properties, payloadLen int) []byte {
	first := byte(TypePublish<<4) | qos<<1
	if retain {
		first |= 1
	}
	if dup {
		first |= 8
	}
	n := 2 + len(topic) + payloadLen
	if qos > 0 {
		n += 2
	}
	pl := 0
	if v5 {
		if props != nil {
			pl = PropsLen(props, ForPublish)
		}
		n += VarintLen(pl) + pl
	}
	dst = append(dst, first)
	dst = AppendVarint(dst, n)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(topic)))
	dst = append(dst, topic...)
	if qos > 0 {
		dst = binary.BigEndian.AppendUint16(dst, id)
	}
	if v5 {
		dst = appendPropsOfLen(dst, props, ForPublish, pl)
	}
	return dst
}

// AppendPubrel appends the PUBREL that answers a successful PUBREC.
func AppendPubrel(dst []byte, id uint16) []byte {
	return append(dst, TypePubrel<<4|2, 2, byte(id>>8), byte(id))
}

var errShortAck = fmt.Errorf("%w: acknowledgement without a packet identifier", ErrMalformed)

// Ack reads a PUBACK, PUBREC or PUBCOMP body: the packet id and, on v5, the reason code (0 when the
// packet leaves it out).
func Ack(body []byte) (id uint16, reason byte, err error) {
	if len(body) < 2 {
		return 0, 0, errShortAck
	}
	id = binary.BigEndian.Uint16(body)
	if len(body) > 2 {
		reason = body[2]
	}
	return id, reason, nil
}

// AppendVarint appends n as a variable byte integer.
func AppendVarint(b []byte, n int) []byte {
	for {
		c := byte(n % 128)
		n /= 128
		if n > 0 {
			c |= 0x80
		}
		b = append(b, c)
		if n == 0 {
			return b
		}
	}
}

// VarintLen is how many bytes AppendVarint takes for n.
func VarintLen(n int) int {
	switch {
	case n < 128:
		return 1
	case n < 16384:
		return 2
	case n < 2097152:
		return 3
	}
	return 4
}
