package format

import "mqtt/internal/message"

// Decoded is a received payload as --decode made it: JSON is its compact JSON (a string for text and
// bytes), and Structured says whether it is data (an object, an array, a number) rather than text or bytes,
// which the terminal view shows as it shows any payload. It refers to the decoder's buffers: valid for one
// call.
type Decoded struct {
	JSON       []byte
	Structured bool
}

// DecodedPrinter is a Printer that can show a decoded payload beside or instead of the raw one: the terminal
// view and JSON lines. mosquitto's -F output has no place for one and is not one.
type DecodedPrinter interface {
	Printer
	// AppendDecoded is Append for m, whose payload decoded to d.
	AppendDecoded(dst []byte, m *message.Message, d Decoded) ([]byte, error)
}

var (
	_ DecodedPrinter = (*Pretty)(nil)
	_ DecodedPrinter = (*JSONLines)(nil)
)

// AppendDecoded shows d in place of the payload when it is structured, indented and coloured as a JSON
// payload is, cut as a payload is; text and bytes are shown as the payload itself is.
func (p *Pretty) AppendDecoded(dst []byte, m *message.Message, d Decoded) ([]byte, error) {
	if !d.Structured {
		return p.Append(dst, m)
	}
	dst = p.appendHeader(dst, m)
	dst, shown := p.appendJSON(dst, d.JSON)
	return p.appendCut(dst, len(d.JSON), shown), nil // the size is the decoded JSON's, what was cut
}

// AppendDecoded is Append with "decoded" after "payload": the payload stays exact (a format that did not
// decode leaves the payload alone), and a tool reads the decoded value without decoding it again.
func (j *JSONLines) AppendDecoded(dst []byte, m *message.Message, d Decoded) ([]byte, error) {
	return j.append(dst, m, d.JSON)
}

// Values prints what --select yields: one compact JSON value a line in a pipe; on a terminal each value
// indented and coloured as the terminal view shows a JSON payload.
type Values struct {
	pretty *Pretty
}

// NewValues returns the printer of --select's values; pretty is the terminal's, colour as it says.
func NewValues(pretty, color bool) *Values {
	if !pretty {
		return &Values{}
	}
	return &Values{pretty: NewPretty(PrettyOptions{Color: color, MaxPayload: 1 << 30})}
}

// Append appends one value, given as valid compact JSON, and a newline.
func (v *Values) Append(dst, json []byte) []byte {
	if v.pretty == nil {
		dst = append(dst, json...)
		return append(dst, '\n')
	}
	start := len(dst)
	dst, _ = v.pretty.appendJSON(dst, json)
	// The view indents a payload under its record's header; a value stands alone.
	return unindent(dst, start)
}

// unindent removes the two blanks each line of dst[start:] starts with.
func unindent(dst []byte, start int) []byte {
	w, lineStart := start, true
	for r := start; r < len(dst); r++ {
		c := dst[r]
		if lineStart && c == ' ' && r+1 < len(dst) && dst[r+1] == ' ' {
			r++
			lineStart = false
			continue
		}
		lineStart = c == '\n'
		dst[w] = c
		w++
	}
	return dst[:w]
}
