package manpage

import (
	"fmt"
	"strings"
)

// Escape makes plain text safe as roff text. A backslash prints as itself. In a word that starts with a
// dash, every dash is a minus, so that "--filter-out" and "-1" read and copy as typed rather than with a
// typographic hyphen, while the hyphen in "keep-alive" stays one. Quotes and backquotes are the ASCII characters, not the typographic ones
// groff would set. A line cannot start with a control character, and anything beyond ASCII is written as
// its code point, so that the page needs no input encoding.
func Escape(s string) string {
	var b strings.Builder
	lineStart, wordStart, option := true, true, false
	for _, r := range s {
		if lineStart && r == '.' {
			b.WriteString(`\&`)
		}
		if wordStart {
			option = r == '-'
		}
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-' && option:
			b.WriteString(`\-`)
		case r == '\'':
			b.WriteString(`\(aq`)
		case r == '`':
			b.WriteString(`\(ga`)
		case r > 0x7e:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
		lineStart = r == '\n'
		wordStart = strings.ContainsRune(" \t\n([{|=,\"'", r)
	}
	return b.String()
}
