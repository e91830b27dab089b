package format

import (
	"strconv"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
	"mqtt/internal/payloadkind"
)

// AppendSent appends one line for a message that was just published, sent at the given time: the clock,
// the topic in its colour, QoS, the packet id at QoS 1 and 2, retained, and as much of the payload's first
// line as fits the width, with the size when not all of it is shown. It is `mqtt pub -v` on a terminal: a
// person sees what went out, in the view's colours, one line a message however large the payload.
func (p *Pretty) AppendSent(dst []byte, m *message.Message, at time.Time) []byte {
	dst = p.appendTime(dst, at)
	used := prettyClockWidth
	if p.timestamp {
		used = len("2006-01-02T15:04:05.000000+00:00")
	}
	dst = append(dst, "  "...)
	dst = p.on(dst, p.topics.of(m.Topic))
	mark := len(dst)
	dst = prettyVisible(dst, m.Topic, false)
	used += 2 + utf8.RuneCount(dst[mark:])
	dst = p.off(dst)
	dst = append(dst, "  "...)
	dst = p.on(dst, prettyDimSGR)
	qos := len(dst)
	dst = append(dst, 'q', '0'+m.QoS)
	if m.QoS > 0 {
		dst = append(dst, " mid="...)
		dst = strconv.AppendUint(dst, uint64(m.MID), 10)
	}
	used += 2 + len(dst) - qos + 2
	dst = p.off(dst)
	if m.Retain {
		dst = p.appendRetained(dst)
		used += len(" retained")
	}
	dst = append(dst, "  "...)
	// One column spare: a line that fills the last one makes some terminals wrap.
	dst = p.appendPayloadLine(dst, m.Payload, max(p.width-1-used, 16))
	return append(dst, '\n')
}

// prettyClockWidth is the width of prettyClock's 15:04:05.000.
const prettyClockWidth = 12

// appendPayloadLine shows the start of b in at most room columns: text up to its first line end, binary as
// hex bytes, then a dim note of the size if anything was left out.
func (p *Pretty) appendPayloadLine(dst, b []byte, room int) []byte {
	if len(b) == 0 {
		dst = p.on(dst, prettyDimSGR)
		dst = append(dst, "(empty)"...)
		return p.off(dst)
	}
	note := len(" . ( bytes)") + prettyDigits(len(b)) // the columns of the size note; "…" is one
	whole := true
	if payloadkind.IsText(b[:prettyTextCut(b, 4*room)]) {
		cols := 0
		i := 0
		for i < len(b) && b[i] != '\n' && !(b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n') {
			if cols == room-note && len(b)-i > note {
				whole = false
				break
			}
			r, n := utf8.DecodeRune(b[i:])
			if r >= ' ' && r != 0x7f && !(r >= 0x80 && r <= 0x9f) && !(r == utf8.RuneError && n == 1) {
				dst = append(dst, b[i:i+n]...)
			} else {
				dst = p.on(dst, prettyDimSGR)
				dst = prettyRune(dst, r, n, b[i])
				dst = p.off(dst)
			}
			i += n
			cols++
		}
		whole = whole && (i == len(b) || i == len(b)-1 && b[i] == '\n' || i == len(b)-2 && b[i] == '\r')
	} else {
		n := min(len(b), max((room-note)/3, 1))
		for i, c := range b[:n] {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = append(dst, prettyHex[c>>4], prettyHex[c&15])
		}
		whole = n == len(b)
	}
	if whole {
		return dst
	}
	dst = p.on(dst, prettyDimSGR)
	dst = append(dst, " … ("...)
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, " bytes)"...)
	return p.off(dst)
}

// prettyDigits is the number of decimal digits of n >= 0.
func prettyDigits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
