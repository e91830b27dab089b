package format

import (
	"errors"
	"strconv"
	"strings"

	"mqtt/internal/message"
)

func (f *Formatter) appendFormat(dst []byte, m *message.Message) ([]byte, error) {
	var c clock
	if f.needTime {
		c = newClock(m.Received.In(f.loc))
	}
	notJSON, notFloat := false, false
	for i := range f.steps {
		s := &f.steps[i]
		var ok bool
		if dst, ok = f.appendStep(dst, s, m, &c); !ok {
			notJSON = notJSON || s.kind == kindJSONRaw
			notFloat = notFloat || s.kind != kindJSONRaw
		}
	}
	if f.eol {
		dst = append(dst, '\n')
	}
	switch {
	case notJSON && notFloat:
		return dst, errors.Join(f.notJSON(m), f.notFloat(m))
	case notJSON:
		return dst, f.notJSON(m)
	case notFloat:
		return dst, f.notFloat(m)
	}
	return dst, nil
}

// notJSON and notFloat report what this message's %J, or %f and %d, could not print: every step of a kind
// fails at once, since they all read the same payload.
func (f *Formatter) notJSON(m *message.Message) error {
	return &NotJSONError{Topic: m.Topic, Count: f.jsonRaw}
}

func (f *Formatter) notFloat(m *message.Message) error {
	e := &NotFloatError{Topic: m.Topic, Size: len(m.Payload)}
	if len(m.Payload) != 4 {
		e.Floats = f.floats
	}
	if len(m.Payload) != 8 {
		e.Doubles = f.doubles
	}
	return e
}

// appendStep prints one step; ok is false when %J met a payload that is not JSON, or %f or %d one of
// another size than theirs.
func (f *Formatter) appendStep(dst []byte, s *step, m *message.Message, c *clock) ([]byte, bool) {
	p := m.Props
	if p == nil {
		p = &noProps
	}
	switch s.kind {
	case kindLiteral:
		return append(dst, s.lit...), true
	case kindTopic:
		return appendString(dst, cString(m.Topic), s), true
	case kindPayload:
		return appendPayload(dst, m.Payload, 0, s), true
	case kindHexLower:
		if s.group > 0 {
			return appendHexGroups(dst, m.Payload, lowerHex, s), true
		}
		return appendPayload(dst, m.Payload, 1, s), true
	case kindHexUpper:
		if s.group > 0 {
			return appendHexGroups(dst, m.Payload, upperHex, s), true
		}
		return appendPayload(dst, m.Payload, 2, s), true
	case kindLength:
		return appendInt(dst, len(m.Payload), s), true
	case kindQoS:
		return append(dst, m.QoS+'0'), true
	case kindRetain:
		if m.Retain {
			return append(dst, '1'), true
		}
		return append(dst, '0'), true
	case kindMID:
		return appendInt(dst, int(m.MID), s), true
	case kindTopicAlias:
		if p.TopicAlias == nil {
			return appendBlank(dst, s.pad(), s.width), true
		}
		return appendInt(dst, int(*p.TopicAlias), s), true
	case kindContentType:
		if p.ContentType == "" {
			// Unlike the numeric properties, a missing content type is padded with blanks even with the 0 flag.
			return appendBlank(dst, ' ', s.width), true
		}
		return appendString(dst, cString(p.ContentType), s), true
	case kindCorrelation:
		return append(dst, p.CorrelationData...), true
	case kindExpiry:
		if p.MessageExpiry == nil {
			return appendBlank(dst, s.pad(), s.width), true
		}
		// mosquitto casts the uint32 to int, so an interval above 2^31-1 prints negative.
		return appendInt(dst, int(int32(*p.MessageExpiry)), s), true
	case kindPayloadFormat:
		if p.PayloadFormat == nil {
			return appendBlank(dst, s.pad(), s.width), true
		}
		return appendInt(dst, int(*p.PayloadFormat), s), true
	case kindUserProps:
		for i, u := range p.User {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = append(dst, cString(u.Key)...)
			dst = append(dst, ':')
			dst = append(dst, cString(u.Value)...)
		}
		return dst, true
	case kindResponseTopic:
		// A missing response topic prints nothing at all, whatever the width.
		if p.ResponseTopic == "" {
			return dst, true
		}
		return appendString(dst, cString(p.ResponseTopic), s), true
	case kindSubID:
		// mosquitto reads the first subscription identifier only.
		if len(p.SubscriptionIDs) == 0 {
			return appendBlank(dst, s.pad(), s.width), true
		}
		return appendInt(dst, int(int32(p.SubscriptionIDs[0])), s), true
	case kindISO:
		return appendISO(dst, c, s), true
	case kindUnix:
		dst = strconv.AppendInt(dst, c.unix, 10)
		dst = append(dst, '.')
		return appendZeroPadded(dst, c.nsec, 9), true
	case kindJSON, kindJSONRaw:
		return appendJSON(dst, m, c, s.kind == kindJSONRaw, f.pretty)
	case kindFloat, kindDouble:
		v, ok := payloadFloat(m.Payload, s.kind)
		if !ok {
			return dst, false
		}
		return appendFloat(dst, v, s), true
	case kindStrftime:
		return appendStrftime(dst, s.conv, c), true
	case kindNanos:
		return appendZeroPadded(dst, c.nsec, 9), true
	}
	return dst, true
}

var noProps message.Properties

func (s *step) pad() byte {
	if s.zero {
		return '0'
	}
	return ' '
}

// appendISO prints %I, strftime's "%FT%T%z", as a string field (width and precision apply, the 0 flag does not).
func appendISO(dst []byte, c *clock, s *step) []byte {
	var buf [40]byte
	b := appendStrftime(buf[:0], 'F', c)
	b = append(b, 'T')
	b = appendStrftime(b, 'T', c)
	b = appendStrftime(b, 'z', c)
	return appendString(dst, b, s)
}

// cString cuts s at its first NUL byte: mosquitto prints topics and string properties with %s.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// appendString is printf's "%-*.*s": precision cuts bytes (not characters), width pads with blanks.
func appendString[T string | []byte](dst []byte, v T, s *step) []byte {
	if s.prec >= 0 && len(v) > s.prec {
		v = v[:s.prec]
	}
	pad := s.width - len(v)
	if !s.left {
		dst = appendBlank(dst, ' ', pad)
	}
	dst = append(dst, v...)
	if s.left {
		dst = appendBlank(dst, ' ', pad)
	}
	return dst
}

// appendInt is formatted_print_int: "%-*d", "%0*d" or "%*d".
func appendInt(dst []byte, v int, s *step) []byte {
	var buf [24]byte
	digits := strconv.AppendInt(buf[:0], int64(v), 10)
	pad := s.width - len(digits)
	switch {
	case s.left:
		dst = append(dst, digits...)
		return appendBlank(dst, ' ', pad)
	case s.zero:
		if v < 0 {
			dst = append(dst, '-')
			digits = digits[1:]
		}
		dst = appendBlank(dst, '0', pad)
		return append(dst, digits...)
	default:
		dst = appendBlank(dst, ' ', pad)
		return append(dst, digits...)
	}
}

// appendPayload is mosquitto's write_payload, quirks included: a width is also a maximum (in bytes of payload,
// so "%5p" prints five bytes); for hex, that byte count is then halved and the padding reckoned on the halved
// count; and with '-' but no width the padding is the negative pad length, which printf turns into as many
// trailing blanks as the payload is long. The 0 flag pads on the left only.
func appendPayload(dst, payload []byte, hex int, s *step) []byte {
	n := len(payload)
	var pad int
	if s.width > 0 {
		n = min(n, s.width)
		if hex > 0 {
			n /= 2
			pad = s.width - 2*n
		} else {
			pad = s.width - n
		}
	} else {
		pad = -n
	}
	if !s.left {
		dst = appendBlank(dst, s.pad(), pad)
	}
	switch hex {
	case 0:
		dst = append(dst, payload[:n]...)
	case 1:
		dst = appendHex(dst, payload[:n], lowerHex)
	default:
		dst = appendHex(dst, payload[:n], upperHex)
	}
	if s.left {
		// printf("%*s", pad, ""): a negative width means left-justify in |pad|.
		dst = appendBlank(dst, ' ', max(pad, -pad))
	}
	return dst
}

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
)

func appendHex(dst, b []byte, digits string) []byte {
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&0xf])
	}
	return dst
}

const blanks = "                                                                "
const zeros = "0000000000000000000000000000000000000000000000000000000000000000"

// appendBlank appends n copies of pad (' ' or '0'); n <= 0 appends nothing.
func appendBlank(dst []byte, pad byte, n int) []byte {
	src := blanks
	if pad == '0' {
		src = zeros
	}
	for n > 0 {
		k := min(n, len(src))
		dst = append(dst, src[:k]...)
		n -= k
	}
	return dst
}

func appendZeroPadded(dst []byte, v int, width int) []byte {
	var buf [24]byte
	digits := strconv.AppendInt(buf[:0], int64(v), 10)
	if v < 0 {
		dst = append(dst, '-')
		digits = digits[1:]
	}
	dst = appendBlank(dst, '0', width-len(digits))
	return append(dst, digits...)
}
