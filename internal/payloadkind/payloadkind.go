// Package payloadkind is the one rule for what a payload looks like when no format says: JSON, text or
// bytes. The terminal view, --decode auto, --json's embedded payloads and watch all tell payloads apart
// by it, so that one payload reads the same way everywhere.
package payloadkind

import (
	"unicode/utf8"

	"mqtt/internal/jsonvalue"
)

// IsJSON reports whether b is one JSON value, as encoding/json.Valid says (invalid UTF-8 in strings
// included), without allocating: json.Valid builds an error for every payload that is not JSON, which is
// most text payloads.
func IsJSON(b []byte) bool { return jsonvalue.Valid(b) }

// IsText reports whether b reads as text: valid UTF-8 with no NUL, and control characters other than tab,
// line feed and carriage return in at most one byte in 9. Small-valued binary (a counter, protobuf) is
// valid UTF-8 too, and reads better as a hex dump than as a row of control pictures. An empty payload is
// text.
func IsText(b []byte) bool {
	ctl := 0
	for i, c := range b {
		switch {
		case c == 0:
			return false
		case c < ' ' && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			ctl++
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f: // a C1 control
			ctl++
		}
	}
	return ctl*9 <= len(b) && utf8.Valid(b)
}
