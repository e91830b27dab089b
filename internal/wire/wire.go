// Package wire reads MQTT packets straight from the bytes received: the fixed header that frames every
// packet, and PUBLISH in full. The session hands received PUBLISH packets to the commands through it rather
// than through the paho libraries, whose per-message goroutine hand-offs and allocations cost several times
// what printing the message does.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"mqtt/internal/message"
)

// ErrMalformed is wrapped by every decoding error: the broker sent bytes that are not MQTT.
var ErrMalformed = errors.New("malformed packet")

// Header reads the fixed header at the start of b. It returns the first byte, the remaining length and the
// size of the header; size is 0 when b does not hold the whole header yet.
func Header(b []byte) (first byte, remaining, size int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, nil
	}
	v, n, err := varint(b[1:])
	if err != nil || n == 0 {
		return 0, 0, 0, err
	}
	return b[0], v, 1 + n, nil
}

// varint reads a variable byte integer; n is 0 when b ends before it does.
func varint(b []byte) (v, n int, err error) {
	mult := 1
	for i := 0; i < 4; i++ {
		if i >= len(b) {
			return 0, 0, nil
		}
		v += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			return v, i + 1, nil
		}
		mult <<= 7
	}
	return 0, 0, fmt.Errorf("%w: variable length integer longer than four bytes", ErrMalformed)
}

// Decoder decodes the PUBLISH packets of one connection. It remembers what a connection's packets share:
// the protocol version, topic aliases, and the last topic, so that a stream on one topic does not allocate
// a string per message.
type Decoder struct {
	V5      bool
	last    string
	aliases map[uint16]string
}

// Publish decodes a PUBLISH with the given first byte and body (the bytes after the fixed header) into m.
// m.Payload points into body: it is valid only while body is. Properties are copied.
func (d *Decoder) Publish(first byte, body []byte, m *message.Message) error {
	*m = message.Message{QoS: first >> 1 & 3, Retain: first&1 != 0, Dup: first&8 != 0}
	if m.QoS == 3 {
		return fmt.Errorf("%w: PUBLISH with QoS 3", ErrMalformed)
	}
	if len(body) < 2 {
		return fmt.Errorf("%w: PUBLISH without a topic", ErrMalformed)
	}
	tl := int(binary.BigEndian.Uint16(body))
	if len(body) < 2+tl {
		return fmt.Errorf("%w: PUBLISH topic longer than the packet", ErrMalformed)
	}
	topic := body[2 : 2+tl]
	rest := body[2+tl:]
	if m.QoS > 0 {
		if len(rest) < 2 {
			return fmt.Errorf("%w: PUBLISH without a packet identifier", ErrMalformed)
		}
		m.MID = binary.BigEndian.Uint16(rest)
		if m.MID == 0 {
			return fmt.Errorf("%w: QoS %d PUBLISH with packet identifier 0", ErrMalformed, m.QoS)
		}
		rest = rest[2:]
	}
	if d.V5 {
		pl, n, err := varint(rest)
		if err != nil {
			return err
		}
		if n == 0 || len(rest) < n+pl {
			return fmt.Errorf("%w: PUBLISH properties longer than the packet", ErrMalformed)
		}
		if pl > 0 {
			m.Props = new(message.Properties)
			if err := decodeProps(rest[n:n+pl], m.Props); err != nil {
				return err
			}
		}
		rest = rest[n+pl:]
	}
	if err := d.topic(topic, m); err != nil {
		return err
	}
	m.Payload = rest
	return nil
}

// topic sets m.Topic from the topic bytes, reusing the previous string when it is the same and resolving
// a v5 topic alias.
func (d *Decoder) topic(b []byte, m *message.Message) error {
	var alias uint16
	if m.Props != nil && m.Props.TopicAlias != nil {
		alias = *m.Props.TopicAlias
	}
	switch {
	case len(b) == 0 && alias == 0:
		return fmt.Errorf("%w: PUBLISH with an empty topic", ErrMalformed)
	case len(b) == 0:
		t, ok := d.aliases[alias]
		if !ok {
			return fmt.Errorf("%w: PUBLISH with unknown topic alias %d", ErrMalformed, alias)
		}
		m.Topic = t
		return nil
	}
	if string(b) != d.last { // compiles to a comparison, not a conversion
		if err := checkTopic(b); err != nil {
			return err
		}
		d.last = string(b)
	}
	m.Topic = d.last
	if alias != 0 {
		if d.aliases == nil {
			d.aliases = make(map[uint16]string)
		}
		d.aliases[alias] = m.Topic
	}
	return nil
}

// checkTopic refuses a received topic that libmosquitto refuses: not UTF-8 as MQTT defines it (no NUL,
// no control characters, no surrogates or non-characters: mosquitto_validate_utf8), or with a wildcard,
// which only a filter may hold.
func checkTopic(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			switch {
			case c < 0x20 || c == 0x7f:
				return fmt.Errorf("%w: PUBLISH topic with control character %#x", ErrMalformed, c)
			case c == '+' || c == '#':
				return fmt.Errorf("%w: PUBLISH topic with the wildcard %q", ErrMalformed, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			return fmt.Errorf("%w: PUBLISH topic is not UTF-8", ErrMalformed)
		case r >= 0x80 && r <= 0x9f, r&0xfffe == 0xfffe:
			return fmt.Errorf("%w: PUBLISH topic with character %U", ErrMalformed, r)
		}
		i += n
	}
	return nil
}
