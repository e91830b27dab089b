package fakebroker

import "encoding/binary"

// Packet builders for scripts. They build well-formed packets; a script that needs a broken one writes
// its bytes out. They are written here rather than taken from internal/wire, the code the fake broker
// tests: a mistake there must not be repeated on both sides of a test.

// Connack is a CONNACK with the given return (v3) or reason (v5) code; a v5 one carries props, already
// encoded as a property list (see Prop).
func Connack(v5 bool, code byte, props ...[]byte) []byte {
	body := []byte{0, code}
	if v5 {
		body = appendProps(body, props)
	}
	return frame(CONNACK<<4, body)
}

// Suback grants each code in turn.
func Suback(v5 bool, id uint16, codes ...byte) []byte {
	return ack(SUBACK<<4, id, v5, codes...)
}

// Ack is a PUBACK, PUBREC or PUBCOMP (or, with typ PUBREL, a PUBREL) for id in the short form, without
// a reason code.
func Ack(typ byte, id uint16) []byte {
	first := typ << 4
	if typ == PUBREL {
		first |= 2
	}
	return []byte{first, 2, byte(id >> 8), byte(id)}
}

// Publish is a PUBLISH. On v5 it carries an empty property list, or props.
func Publish(v5 bool, topic string, payload string, qos byte, retain bool, id uint16, props ...[]byte) []byte {
	first := PUBLISH<<4 | qos<<1
	if retain {
		first |= 1
	}
	body := appendString(nil, topic)
	if qos > 0 {
		body = binary.BigEndian.AppendUint16(body, id)
	}
	if v5 {
		body = appendProps(body, props)
	}
	return frame(first, append(body, payload...))
}

// Disconnect is a v5 DISCONNECT with a reason code, or a v3 one (code ignored).
func Disconnect(v5 bool, code byte) []byte {
	if !v5 {
		return []byte{DISCONNECT << 4, 0}
	}
	return frame(DISCONNECT<<4, []byte{code, 0})
}

// StringProp is a property with a string value (content type, assigned client id, reason string...).
func StringProp(id byte, s string) []byte { return appendString([]byte{id}, s) }

// Uint16Prop is a property with a two-byte value (receive maximum, topic alias...).
func Uint16Prop(id byte, v uint16) []byte { return binary.BigEndian.AppendUint16([]byte{id}, v) }

// Uint32Prop is a property with a four-byte value (maximum packet size, session expiry...).
func Uint32Prop(id byte, v uint32) []byte { return binary.BigEndian.AppendUint32([]byte{id}, v) }

func ack(first byte, id uint16, v5 bool, codes ...byte) []byte {
	body := binary.BigEndian.AppendUint16(nil, id)
	if v5 {
		body = append(body, 0)
	}
	return frame(first, append(body, codes...))
}

func appendProps(b []byte, props [][]byte) []byte {
	n := 0
	for _, p := range props {
		n += len(p)
	}
	b = appendVarint(b, n)
	for _, p := range props {
		b = append(b, p...)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

func frame(first byte, body []byte) []byte {
	return append(appendVarint([]byte{first}, len(body)), body...)
}

func appendVarint(b []byte, n int) []byte {
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
