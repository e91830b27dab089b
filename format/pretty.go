package format

import (
	"strconv"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
	"mqtt/internal/payloadkind"
)

// PrettyOptions configure the terminal view of `mqtt sub`.
type PrettyOptions struct {
	// Color adds ANSI SGR sequences. Without it the layout is the same and the output holds no escape at all.
	Color bool
	// Verbose adds the packet id, the dup flag and the v5 properties beyond content type and user properties.
	Verbose bool
	// Location is the time zone of the header's clock; nil means time.Local.
	Location *time.Location
	// MaxPayload is how many payload bytes are shown before the rest is cut with a note; 0 means 4096.
	MaxPayload int
	// Width is the terminal width if known; 0 means 80. It picks 16 or 8 bytes per hex dump row.
	Width int
	// Timestamp (--timestamp) puts the whole receive time, date and microseconds as RFC 3339, in each header
	// instead of the clock; the day then needs no line of its own.
	Timestamp bool
}

// Pretty prints each message as a record for a person at a terminal: a header line with the time, the topic
// in a colour of its own, QoS, retained and a summary of the v5 properties, then the payload indented by two
// spaces (JSON indented and coloured, text as is, binary as the first rows of a hex dump). The date stands on
// a line of its own before the first record and whenever the day changes.
//
// Pretty remembers the day it last showed and which topic has which colour, so it must not be used from two
// goroutines at once (sub prints from the reader, rr from one goroutine). Append allocates nothing once dst
// has room and the topics in view have been seen once.
//
// Nothing a publisher sends reaches the terminal as a control sequence: control characters in topics,
// properties and payloads are printed as visible symbols or escapes.
type Pretty struct {
	color     bool
	verbose   bool
	timestamp bool
	loc       *time.Location
	max       int
	row       int // hex dump bytes per row
	width     int // of the terminal, for AppendSent's one line

	day    int // the date last shown, as year*1000 + day of the year; 0 before the first
	topics topicColors
}

var _ Printer = (*Pretty)(nil)

// NewPretty returns the terminal view for o.
func NewPretty(o PrettyOptions) *Pretty {
	p := &Pretty{color: o.Color, verbose: o.Verbose, timestamp: o.Timestamp, loc: o.Location, max: o.MaxPayload, row: 16}
	if p.loc == nil {
		p.loc = time.Local
	}
	if p.max <= 0 {
		p.max = 4096
	}
	p.width = o.Width
	if p.width <= 0 {
		p.width = 80
	}
	if o.Width > 0 && o.Width < prettyHexRowWidth(16) {
		p.row = 8
	}
	return p
}

// SGR parameters. JSON uses the basic colours, which themes tune for their own background; topics use the
// palette of topicColors.
const (
	prettyResetSGR   = "0"
	prettyDimSGR     = "2"
	prettyBoldSGR    = "1"
	prettyKeySGR     = "34" // blue
	prettyStringSGR  = "32" // green
	prettyNumberSGR  = "36" // cyan
	prettyLiteralSGR = "35" // magenta: true, false, null
)

func (p *Pretty) on(dst []byte, sgr string) []byte {
	if !p.color {
		return dst
	}
	dst = append(dst, "\x1b["...)
	dst = append(dst, sgr...)
	return append(dst, 'm')
}

func (p *Pretty) off(dst []byte) []byte { return p.on(dst, prettyResetSGR) }

// Append appends m's record to dst. It never fails: every payload has a view.
func (p *Pretty) Append(dst []byte, m *message.Message) ([]byte, error) {
	dst = p.appendHeader(dst, m)
	dst = p.appendPayload(dst, m.Payload)
	return dst, nil
}

func (p *Pretty) appendHeader(dst []byte, m *message.Message) []byte {
	dst = p.appendTime(dst, m.Received)
	dst = append(dst, "  "...)
	dst = p.on(dst, p.topics.of(m.Topic))
	dst = prettyVisible(dst, m.Topic, false)
	dst = p.off(dst)
	dst = append(dst, "  "...)
	dst = p.on(dst, prettyDimSGR)
	dst = append(dst, 'q', '0'+m.QoS)
	dst = p.off(dst)
	if m.Retain {
		dst = p.appendRetained(dst)
	}
	if p.verbose && m.Dup {
		dst = append(dst, " dup"...)
	}
	if p.verbose && m.MID != 0 {
		dst = append(dst, " mid="...)
		dst = strconv.AppendUint(dst, uint64(m.MID), 10)
	}
	if m.Props != nil {
		dst = p.appendProps(dst, m.Props)
	}
	return append(dst, '\n')
}

// appendRetained marks a retained message in a header, in bold.
func (p *Pretty) appendRetained(dst []byte) []byte {
	dst = append(dst, ' ')
	dst = p.on(dst, prettyBoldSGR)
	dst = append(dst, "retained"...)
	return p.off(dst)
}

// appendTime starts a header with the time of t: with Timestamp the whole RFC 3339 stamp, else the clock,
// after a line with the date when it is the first header or the day has changed since the last one.
func (p *Pretty) appendTime(dst []byte, t time.Time) []byte {
	if p.timestamp && !t.IsZero() {
		dst = p.on(dst, prettyDimSGR)
		dst = appendRFC3339Micro(dst, t.In(p.loc))
		return p.off(dst)
	}
	if !t.IsZero() {
		local := t.In(p.loc)
		if day := local.Year()*1000 + local.YearDay(); day != p.day {
			p.day = day
			dst = p.on(dst, prettyDimSGR)
			dst = append(dst, "── "...)
			dst = local.AppendFormat(dst, "2006-01-02 Monday")
			dst = append(dst, " ──"...)
			dst = p.off(dst)
			dst = append(dst, '\n')
		}
	}
	dst = p.on(dst, prettyDimSGR)
	dst = prettyClock(dst, t, p.loc)
	return p.off(dst)
}

// prettyClock writes 15:04:05.000 without time.Format's parsing; a zero time (an outgoing message) is dashes.
func prettyClock(dst []byte, t time.Time, loc *time.Location) []byte {
	if t.IsZero() {
		return append(dst, "--:--:--.---"...)
	}
	t = t.In(loc)
	h, m, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

// appendProps summarises the v5 properties, dim, after the header: content type and user properties always,
// the rest with Verbose.
func (p *Pretty) appendProps(dst []byte, pr *message.Properties) []byte {
	start := len(dst)
	dst = append(dst, "  "...)
	dst = p.on(dst, prettyDimSGR)
	mark := len(dst)
	key := func(dst []byte, k string) []byte {
		if len(dst) > mark {
			dst = append(dst, ' ')
		}
		dst = prettyVisible(dst, k, true)
		return append(dst, '=')
	}
	field := func(dst []byte, k, v string) []byte { return prettyVisible(key(dst, k), v, true) }
	if pr.ContentType != "" {
		dst = field(dst, "content-type", pr.ContentType)
	}
	for _, u := range pr.User {
		dst = field(dst, u.Key, u.Value)
	}
	if p.verbose {
		if pr.PayloadFormat != nil {
			dst = key(dst, "payload-format")
			dst = strconv.AppendUint(dst, uint64(*pr.PayloadFormat), 10)
		}
		if pr.MessageExpiry != nil {
			dst = key(dst, "expiry")
			dst = strconv.AppendUint(dst, uint64(*pr.MessageExpiry), 10)
			dst = append(dst, 's')
		}
		if pr.ResponseTopic != "" {
			dst = field(dst, "response-topic", pr.ResponseTopic)
		}
		if len(pr.CorrelationData) > 0 {
			dst = key(dst, "correlation-data")
			dst = prettyVisibleBytes(dst, pr.CorrelationData)
		}
		for _, id := range pr.SubscriptionIDs {
			dst = key(dst, "subscription-id")
			dst = strconv.AppendInt(dst, int64(id), 10)
		}
	}
	if len(dst) == mark {
		return dst[:start] // nothing to show: no stray spaces or escapes
	}
	return p.off(dst)
}

// prettyVisible appends s with every control character made visible. quoted (for property keys and values)
// Go-quotes s when it holds a space, a quote, an '=' or anything unprintable, so that k=v pairs stay parseable
// by eye; otherwise C0 controls become Unicode control pictures (␛ for ESC) and DEL and C1 controls \u escapes.
func prettyVisible(dst []byte, s string, quoted bool) []byte {
	if quoted {
		if prettyNeedsQuote(s) {
			return strconv.AppendQuote(dst, s)
		}
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= ' ' && c < 0x7f {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = prettyRune(dst, r, n, c)
		i += n
	}
	return dst
}

func prettyNeedsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '=' || r == '\\' || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

func prettyVisibleBytes(dst, b []byte) []byte {
	if utf8.Valid(b) {
		return prettyVisible(dst, string(b), true) // the conversion does not escape: no allocation
	}
	dst = append(dst, "0x"...)
	for _, c := range b {
		dst = append(dst, prettyHex[c>>4], prettyHex[c&15])
	}
	return dst
}

const prettyHex = "0123456789abcdef"

// prettyRune shows one non-ASCII-printable rune: C0 as its control picture, DEL, C1 and invalid bytes
// as \u or \x escapes, anything else as itself.
func prettyRune(dst []byte, r rune, n int, first byte) []byte {
	switch {
	case r == utf8.RuneError && n == 1:
		return append(dst, '\\', 'x', prettyHex[first>>4], prettyHex[first&15])
	case r < ' ':
		return utf8.AppendRune(dst, 0x2400+r)
	case r == 0x7f:
		return utf8.AppendRune(dst, 0x2421)
	case r <= 0x9f:
		return append(dst, '\\', 'u', '0', '0', prettyHex[r>>4], prettyHex[r&15])
	}
	return utf8.AppendRune(dst, r)
}

// prettyHexRows is how much of a binary payload the view shows, as a pager shows a screenful: a dump of more
// reads no better for being long, and a 10 KiB image would push everything else off the screen.
const prettyHexRows = 8

// appendPayload shows the payload under the header, each line indented by two spaces: JSON indented and
// coloured, text as is, anything else as a hex dump of at most prettyHexRows rows; at most p.max bytes of it,
// then a note of the size.
func (p *Pretty) appendPayload(dst, b []byte) []byte {
	if len(b) == 0 {
		dst = append(dst, "  "...)
		dst = p.on(dst, prettyDimSGR)
		dst = append(dst, "(empty)"...)
		dst = p.off(dst)
		return append(dst, '\n')
	}
	shown := len(b)
	switch {
	case payloadkind.IsJSON(b): // the whole payload: a cut document is still shown as JSON
		dst, shown = p.appendJSON(dst, b)
	case payloadkind.IsText(b[:prettyTextCut(b, p.max)]):
		shown = prettyTextCut(b, p.max)
		dst = p.appendText(dst, b[:shown])
	default:
		shown = min(len(b), p.max, prettyHexRows*p.row)
		dst = p.appendHexDump(dst, b[:shown])
	}
	return p.appendCut(dst, len(b), shown)
}

// appendCut notes, under a payload of size bytes of which shown were shown, how much was left out.
func (p *Pretty) appendCut(dst []byte, size, shown int) []byte {
	if shown >= size {
		return dst
	}
	dst = append(dst, "  "...)
	dst = p.on(dst, prettyDimSGR)
	dst = append(dst, "… ("...)
	dst = strconv.AppendInt(dst, int64(size), 10)
	dst = append(dst, " bytes, "...)
	dst = strconv.AppendInt(dst, int64(shown), 10)
	dst = append(dst, " shown)"...)
	dst = p.off(dst)
	return append(dst, '\n')
}

// prettyTextCut is where text is cut: at most max bytes, backed off to the start of a UTF-8 sequence.
func prettyTextCut(b []byte, limit int) int {
	if len(b) <= limit {
		return len(b)
	}
	n := limit
	for i := 0; i < utf8.UTFMax && n > 0 && !utf8.RuneStart(b[n]); i++ {
		n--
	}
	return n
}

// appendText indents every line; tabs stay, CRLF is a line end, one final line end is dropped (most text
// payloads were written by echo), and other control characters are made visible.
func (p *Pretty) appendText(dst, b []byte) []byte {
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
	}
	dst = append(dst, "  "...)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= ' ' && c < 0x7f || c == '\t':
			dst = append(dst, c)
			i++
		case c == '\n':
			dst = append(dst, "\n  "...)
			i++
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r < ' ' || (r >= 0x7f && r <= 0x9f) || (r == utf8.RuneError && n == 1) {
				dst = p.on(dst, prettyDimSGR)
				dst = prettyRune(dst, r, n, c)
				dst = p.off(dst)
			} else {
				dst = append(dst, b[i:i+n]...)
			}
			i += n
		}
	}
	return append(dst, '\n')
}

// prettyHexRowWidth is the width of a hex dump row of n bytes, indent included, as hexdump -C lays it out.
func prettyHexRowWidth(n int) int { return 2 + 8 + 1 + 3*n + 1 + 3 + n + 1 }

// appendHexDump prints b as hexdump -C does (offset, hex in two groups, ASCII between bars), indented, with
// the offsets dim.
func (p *Pretty) appendHexDump(dst, b []byte) []byte {
	for off := 0; off < len(b); off += p.row {
		row := b[off:min(off+p.row, len(b))]
		dst = append(dst, "  "...)
		dst = p.on(dst, prettyDimSGR)
		for shift := 28; shift >= 0; shift -= 4 {
			dst = append(dst, prettyHex[off>>shift&15])
		}
		dst = p.off(dst)
		dst = append(dst, ' ')
		for i := 0; i < p.row; i++ {
			if i == p.row/2 {
				dst = append(dst, ' ')
			}
			if i < len(row) {
				dst = append(dst, ' ', prettyHex[row[i]>>4], prettyHex[row[i]&15])
			} else {
				dst = append(dst, "   "...)
			}
		}
		dst = append(dst, "  |"...)
		for _, c := range row {
			if c < ' ' || c >= 0x7f {
				c = '.'
			}
			dst = append(dst, c)
		}
		dst = append(dst, "|\n"...)
	}
	return dst
}

// appendJSON indents the valid JSON document b by two spaces a level, under the record's own two-space
// indent, colouring keys, strings, numbers and literals. It stops at the first token that starts past p.max
// and returns how many bytes of b it showed.
func (p *Pretty) appendJSON(dst, b []byte) ([]byte, int) {
	depth := 1
	dst = append(dst, "  "...)
	for i := 0; i < len(b); {
		c := b[i]
		if i >= p.max && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return prettyEndCut(dst), i
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
		case '{', '[':
			j := prettySkipSpace(b, i+1)
			if b[j] == '}' || b[j] == ']' {
				dst = append(dst, c, b[j])
				i = j + 1
				continue
			}
			depth++
			dst = prettyNewline(append(dst, c), depth)
			i++
		case '}', ']':
			depth--
			dst = append(prettyNewline(dst, depth), c)
			i++
		case ',':
			dst = prettyNewline(append(dst, c), depth)
			i++
		case ':':
			dst = append(dst, ':', ' ')
			i++
		case '"':
			end := prettyStringEnd(b, i)
			sgr := prettyStringSGR
			if j := prettySkipSpace(b, end); j < len(b) && b[j] == ':' {
				sgr = prettyKeySGR
			}
			cut := prettyTokenCut(b, i, end, p.max)
			if cut == i {
				return prettyEndCut(dst), i
			}
			dst = p.on(dst, sgr)
			dst = prettyJSONString(dst, b[i:cut])
			dst = p.off(dst)
			if cut < end {
				return append(dst, '\n'), cut
			}
			i = end
		default: // a number or true, false, null
			end := i
			for end < len(b) && !prettyJSONDelim(b[end]) {
				end++
			}
			sgr := prettyNumberSGR
			if c == 't' || c == 'f' || c == 'n' {
				sgr = prettyLiteralSGR
			}
			cut := prettyTokenCut(b, i, end, p.max)
			if cut == i {
				return prettyEndCut(dst), i
			}
			dst = p.on(dst, sgr)
			dst = append(dst, b[i:cut]...)
			dst = p.off(dst)
			if cut < end {
				return append(dst, '\n'), cut
			}
			i = end
		}
	}
	return append(dst, '\n'), len(b)
}

// prettyTokenCut is where the token b[i:end] is cut so that no more than limit bytes of b are shown: end
// when it fits; i, to leave it out whole, when it is short and not the first; else the last UTF-8 boundary
// within the limit (past i, so that a cut shows something).
func prettyTokenCut(b []byte, i, end, limit int) int {
	switch {
	case end <= limit:
		return end
	case end-i <= 80 && i > 0:
		return i
	}
	return max(prettyTextCut(b[:end], limit), i+1)
}

// prettyEndCut ends the last line of a cut document, dropping the indent already written for a next token.
func prettyEndCut(dst []byte) []byte {
	for len(dst) > 0 && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	if len(dst) > 0 && dst[len(dst)-1] == '\n' {
		return dst
	}
	return append(dst, '\n')
}

func prettyNewline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, ' ', ' ')
	}
	return dst
}

func prettySkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func prettyJSONDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', ']', '}':
		return true
	}
	return false
}

// prettyStringEnd returns the index just past the closing quote of the valid JSON string starting at b[i].
func prettyStringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// prettyJSONString copies a JSON string token. JSON forbids raw C0 controls but allows DEL, C1
// controls (U+009B is a CSI to some terminals) and, as encoding/json checks it, invalid UTF-8: those are
// written as \u escapes, so the text stays valid JSON with the same meaning and the terminal sees no control.
func prettyJSONString(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x7f {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r <= 0x9f:
			dst = append(dst, '\\', 'u', '0', '0', prettyHex[r>>4], prettyHex[r&15])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}
