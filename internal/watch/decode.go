package watch

import (
	"bytes"
	"encoding/json"
	"strings"

	"mqtt/internal/message"
	"mqtt/internal/payloadkind"
)

// Decoder turns a message into what the view shows of its payload: line for the table (one line; the view
// cuts it to the width) and pretty for the detail view (any number of lines). It is called on the view's
// goroutine with the view's own copy of the message, at most once per topic and frame. Control
// characters in either are shown as symbols, whatever the decoder returns.
type Decoder func(m *message.Message) (line, pretty string)

// DefaultDecoder shows a payload as `mqtt sub` does without --decode: JSON compact on the line and
// indented in the detail, UTF-8 text as it is, anything else in hex.
func DefaultDecoder(m *message.Message) (line, pretty string) {
	p := m.Payload
	switch {
	case len(p) == 0:
		return "", ""
	case looksJSON(p) && payloadkind.IsJSON(p):
		var c, ind bytes.Buffer
		_ = json.Compact(&c, p)
		_ = json.Indent(&ind, bytes.TrimSpace(p), "", "  ")
		return c.String(), ind.String()
	case payloadkind.IsText(p):
		return string(p), string(p)
	}
	return hexLine(p), hexDump(p)
}

// looksJSON keeps plain numbers and words ("21.5", "true") out of the JSON case: they are shown as text.
func looksJSON(p []byte) bool {
	p = bytes.TrimLeft(p, " \t\r\n")
	return len(p) > 0 && (p[0] == '{' || p[0] == '[')
}

const hexDigits = "0123456789abcdef"

// hexLine is the bytes in hex, a blank between each.
func hexLine(p []byte) string {
	var b strings.Builder
	b.Grow(3 * len(p))
	for i, c := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// hexDump is 16 bytes a line: the offset, the bytes in hex and as ASCII, as hexdump -C does.
func hexDump(p []byte) string {
	var b strings.Builder
	for off := 0; off < len(p); off += 16 {
		row := p[off:min(off+16, len(p))]
		for shift := 28; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(off>>shift)&15])
		}
		b.WriteString("  ")
		for i := range 16 {
			if i == 8 {
				b.WriteByte(' ')
			}
			if i < len(row) {
				b.WriteByte(hexDigits[row[i]>>4])
				b.WriteByte(hexDigits[row[i]&15])
				b.WriteByte(' ')
			} else {
				b.WriteString("   ")
			}
		}
		b.WriteString(" |")
		for _, c := range row {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			b.WriteByte(c)
		}
		b.WriteString("|\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// visible makes s safe and one cell per symbol for a terminal: invalid UTF-8 becomes U+FFFD, and control
// characters their Unicode pictures (U+2400 on), so that nothing a publisher sends reaches the terminal as
// a control sequence. With multiline, newlines stay and a tab becomes blanks; else a newline is shown as
// ␊ too.
func visible(s string, multiline bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case r == '\t' && multiline:
			b.WriteString("    ")
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case r >= 0x80 && r < 0xa0: // C1 controls: ESC's 8-bit cousins
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
