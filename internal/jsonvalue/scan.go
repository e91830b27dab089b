package jsonvalue

import "unicode/utf8"

// Valid reports whether b is one JSON value, accepting exactly what encoding/json's Valid accepts (invalid
// UTF-8 inside strings included: AppendCompact mends it), at a fraction of its cost: a payload is checked
// once per message on every --decode json or --filter path.
func Valid(b []byte) bool {
	i := skipSpace(b, 0)
	i = skipValue(b, i, 0)
	return i >= 0 && skipSpace(b, i) == len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the value that starts at b[i], or -1 when there is none.
func skipValue(b []byte, i, depth int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return -1
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == end {
			return i + 1
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return -1
				}
				if i = skipString(b, i); i < 0 {
					return -1
				}
				i = skipSpace(b, i)
				if i >= len(b) || b[i] != ':' {
					return -1
				}
				i = skipSpace(b, i+1)
			}
			if i = skipValue(b, i, depth+1); i < 0 {
				return -1
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
				continue
			case end:
				return i + 1
			}
			return -1
		}
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	}
	return -1
}

func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

func skipString(b []byte, i int) int {
	i++ // "
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 {
					return -1
				}
				for _, h := range b[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return -1
					}
				}
				i += 6
			default:
				return -1
			}
		case c < ' ':
			return -1
		default:
			i++
		}
	}
	return -1
}

func skipNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
	}
	return i
}

// Lookup finds the value at path (object keys) in b, which must be Valid, and parses only that value into
// gojq input, as jq's .a.b.c reads it: a missing key or a null on the way gives null. ok is false where jq
// would raise an error (the path meets an array, a string, ...) or where a key is spelt with escapes: the
// caller then parses the whole document and lets gojq answer.
func (p *Parser) Lookup(b []byte, path []string) (v any, ok bool) {
	i := skipSpace(b, 0)
	for _, key := range path {
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case 'n':
			return nil, true
		case '{':
		default:
			return nil, false
		}
		found := -1
		i = skipSpace(b, i+1)
		for i < len(b) && b[i] == '"' {
			start := i + 1
			end := skipString(b, i)
			if end < 0 {
				return nil, false
			}
			k := b[start : end-1]
			for _, c := range k {
				if c == '\\' || c >= utf8.RuneSelf && !utf8.Valid(k) {
					return nil, false // the key needs decoding to compare: the slow path does that
				}
			}
			i = skipSpace(b, end)
			i = skipSpace(b, i+1) // :
			if string(k) == key {
				found = i // a later duplicate wins, as in jq
			}
			if i = skipValue(b, i, 0); i < 0 {
				return nil, false
			}
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
			}
		}
		if found < 0 {
			return nil, true
		}
		i = found
	}
	end := skipValue(b, i, 0)
	if end < 0 {
		return nil, false
	}
	v, err := p.Parse(b[i:end])
	return v, err == nil
}
