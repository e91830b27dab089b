package format

import (
	"bytes"
	"math"
	"strconv"

	"mqtt/internal/cnum"
)

// cjson re-prints a %J payload exactly as mosquitto does: cJSON 1.7.15, as Debian 12 patches it, parses it
// (with its leniencies: any byte up to space is white space, numbers are whatever strtod takes however long,
// raw control bytes and invalid UTF-8 inside strings are kept, a bad \u escape yields NUL) and prints the tree
// again (numbers as %1.15g, strings cut at a NUL, its own escapes and layout). It parses and prints in one pass
// instead of building the tree; the caller drops the output when the parse fails, as cJSON prints nothing then.
type cjson struct {
	in    []byte
	pos   int
	depth int // nesting, against cJSON's limit
	w     *jsonWriter
}

// cjsonNestingLimit is CJSON_NESTING_LIMIT: arrays and objects nested deeper are a parse error.
const cjsonNestingLimit = 1000

func (p *cjson) document() bool {
	// mosquitto passes the payload as a C string and then checks that cJSON stopped at its last byte, so any
	// NUL in it fails, one way or the other.
	if bytes.IndexByte(p.in, 0) >= 0 {
		return false
	}
	if len(p.in) >= 4 && bytes.HasPrefix(p.in, []byte("\xEF\xBB\xBF")) {
		p.pos = 3
	}
	p.space()
	if !p.value() {
		return false
	}
	p.space()
	return p.pos == len(p.in)
}

func (p *cjson) space() {
	for p.pos < len(p.in) && p.in[p.pos] <= ' ' {
		p.pos++
	}
}

func (p *cjson) peek() byte {
	if p.pos < len(p.in) {
		return p.in[p.pos]
	}
	return 0
}

func (p *cjson) value() bool {
	rest := p.in[p.pos:]
	for _, lit := range [...]string{"null", "false", "true"} {
		if bytes.HasPrefix(rest, []byte(lit)) {
			p.pos += len(lit)
			p.w.b = append(p.w.b, lit...)
			return true
		}
	}
	switch c := p.peek(); {
	case c == '"':
		return p.string()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == '[':
		return p.array()
	case c == '{':
		return p.object()
	}
	return false
}

func (p *cjson) array() bool {
	if p.depth >= cjsonNestingLimit {
		return false
	}
	p.depth++
	p.pos++ // '['
	arr := p.w.open('[')
	p.space()
	if p.peek() != ']' {
		for {
			p.space()
			p.w.element(&arr)
			if !p.value() {
				return false
			}
			p.space()
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		if p.peek() != ']' {
			return false
		}
	}
	p.pos++
	p.w.close(&arr, ']')
	p.depth--
	return true
}

func (p *cjson) object() bool {
	if p.depth >= cjsonNestingLimit {
		return false
	}
	p.depth++
	p.pos++ // '{'
	obj := p.w.open('{')
	p.space()
	if p.peek() != '}' {
		for {
			p.space()
			p.w.startMember(&obj)
			if p.peek() != '"' || !p.string() {
				return false
			}
			p.w.colon()
			p.space()
			if p.peek() != ':' {
				return false
			}
			p.pos++
			p.space()
			if !p.value() {
				return false
			}
			p.space()
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		if p.peek() != '}' {
			return false
		}
	}
	p.pos++
	p.w.close(&obj, '}')
	p.depth--
	return true
}

// string parses the string literal at p.pos, whose bytes must be '"', in two passes as parse_string does: find
// the closing quote (a backslash skips the byte after it), then decode what lies between. Both matter, because
// a \u escape takes six bytes whatever they are and can land the decoder somewhere the first pass did not.
func (p *cjson) string() bool {
	end := p.pos + 1
	for end < len(p.in) && p.in[end] != '"' {
		if p.in[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(p.in) {
		return false
	}
	b := p.w.b
	b = append(b, '"')
	cut := false // a NUL ends the C string cJSON prints, though parsing goes on
	emit := func(c byte) {
		if c == 0 {
			cut = true
		}
		if !cut {
			b = appendJSONByte(b, c)
		}
	}
	for i := p.pos + 1; i < end; {
		if p.in[i] != '\\' {
			emit(p.in[i])
			i++
			continue
		}
		n := 2
		switch e := p.in[i+1]; e {
		case 'b':
			emit('\b')
		case 'f':
			emit('\f')
		case 'n':
			emit('\n')
		case 'r':
			emit('\r')
		case 't':
			emit('\t')
		case '"', '\\', '/':
			emit(e)
		case 'u':
			var r rune
			r, n = utf16Literal(p.in[i:end])
			if n == 0 {
				return false
			}
			var enc [4]byte
			for _, c := range encodeCodepoint(enc[:0], r) {
				emit(c)
			}
		default:
			return false
		}
		i += n
	}
	p.w.b = append(b, '"')
	p.pos = end + 1
	return true
}

// utf16Literal decodes "\uXXXX" or a surrogate pair "\uXXXX\uXXXX" at the start of s (which runs up to the
// closing quote) and returns the code point and the bytes used, or 0 bytes on failure.
func utf16Literal(s []byte) (rune, int) {
	if len(s) < 6 {
		return 0, 0
	}
	first := hex4(s[2:6])
	switch {
	case first >= 0xDC00 && first <= 0xDFFF:
		return 0, 0
	case first >= 0xD800 && first <= 0xDBFF:
		s = s[6:]
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, 0
		}
		second := hex4(s[2:6])
		if second < 0xDC00 || second > 0xDFFF {
			return 0, 0
		}
		return 0x10000 + ((first&0x3FF)<<10 | second&0x3FF), 12
	}
	return first, 6
}

// hex4 is cJSON's parse_hex4: four hex digits, or 0 if any is not one.
func hex4(s []byte) rune {
	var h rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			h = h<<4 | rune(c-'0')
		case c >= 'A' && c <= 'F':
			h = h<<4 | rune(c-'A'+10)
		case c >= 'a' && c <= 'f':
			h = h<<4 | rune(c-'a'+10)
		default:
			return 0
		}
	}
	return h
}

// encodeCodepoint is cJSON's UTF-8 encoder; code points here are never surrogates and never above U+10FFFF.
func encodeCodepoint(dst []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(dst, byte(r))
	case r < 0x800:
		return append(dst, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case r < 0x10000:
		return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return append(dst, 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
}

// number takes, as cJSON does, the run of bytes from [0-9+-eE.] and lets strtod read the longest prefix it can;
// the rest of the run is left for the parser to choke on.
func (p *cjson) number() bool {
	end := p.pos
	for end < len(p.in) && isNumberByte(p.in[end]) {
		end++
	}
	n := strtodPrefix(p.in[p.pos:end])
	if n == 0 {
		return false
	}
	d, _ := strconv.ParseFloat(string(p.in[p.pos:p.pos+n]), 64) // out of range gives ±Inf, as strtod does
	p.pos += n
	p.w.b = appendCJSONNumber(p.w.b, d)
	return true
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.'
}

// strtodPrefix is the length of the longest prefix of s that strtod converts: an optional sign, then a
// decimal number. 0 means no conversion.
func strtodPrefix(s []byte) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	n := cnum.DecimalPrefix(s[i:])
	if n == 0 {
		return 0
	}
	return i + n
}

// appendCJSONNumber is cJSON's print_number: null for NaN and infinities, else %1.15g unless that does not read
// back (within DBL_EPSILON relative), then %1.17g.
func appendCJSONNumber(dst []byte, d float64) []byte {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return append(dst, "null"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, d, 'g', 15, 64)
	back, err := strconv.ParseFloat(string(dst[start:]), 64)
	if err == nil && math.Abs(back-d) <= max(math.Abs(back), math.Abs(d))*epsilon {
		return dst
	}
	return strconv.AppendFloat(dst[:start], d, 'g', 17, 64)
}

// epsilon is C's DBL_EPSILON.
const epsilon = 0x1p-52
