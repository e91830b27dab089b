package jsonvalue

import "unicode/utf8"

// AppendCompact appends the JSON text src without its insignificant white space, and with invalid UTF-8
// inside strings replaced by \ufffd, so that what is written is valid JSON whatever the payload held. It
// fails, appending nothing, when src is not JSON. Text that is already compact and valid is copied as is.
func AppendCompact(dst, src []byte) ([]byte, error) {
	if !Valid(src) {
		var p Parser
		_, err := p.Parse(src) // for the offset and a reason
		if err == nil {
			err = &SyntaxError{Msg: "invalid JSON"}
		}
		return dst, err
	}
	return AppendCompactValid(dst, src), nil
}

// AppendCompactValid is AppendCompact for src already known to be Valid (a decoder checked it): the check
// is not made again.
func AppendCompactValid(dst, src []byte) []byte {
	inString := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case inString && c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, src[i:i+n]...)
			}
			i += n
			continue
		case inString && c == '\\':
			dst = append(dst, c, src[i+1])
			i += 2
			continue
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			i++
			continue
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

// Canonical is text written again compact with numbers in one spelling (1e-07 and 1e-7 alike) and members
// in their order: two implementations' JSON for the same value compare equal as Canonical text.
func Canonical(text []byte) ([]byte, error) {
	var p Parser
	v, err := p.ParseOrdered(text)
	if err != nil {
		return nil, err
	}
	return Append(nil, v), nil
}
