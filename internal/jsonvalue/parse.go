package jsonvalue

import (
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects the parser accepts, so that a hostile payload cannot
// exhaust memory through the stack; it is encoding/json's limit, so that what json.Valid takes parses.
const MaxDepth = 10000

// SyntaxError is JSON text that does not parse; Offset is the byte where the parser stopped.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg + " at byte " + strconv.Itoa(e.Offset) }

// Parser turns JSON text into a value. Parse gives gojq input directly (map[string]any, int, float64,
// *big.Int), without going through encoding/json, and shares one string for a key seen again, so that a
// stream of like messages costs one allocation per value rather than per key. ParseOrdered gives the
// ordered tree (Object, int64, uint64, float64, *big.Int) that the encoders read. A Parser is not safe for
// concurrent use; the zero value is ready.
type Parser struct {
	in      []byte
	pos     int
	depth   int
	ordered bool
	scratch []byte
	keys    map[string]string
}

// maxInterned bounds the key cache: topics with ever-new keys (ids as keys) must not grow it without end.
const maxInterned = 4096

// Parse parses one JSON document into gojq input.
func (p *Parser) Parse(data []byte) (any, error) {
	p.ordered = false
	return p.document(data)
}

// ParseOrdered parses one JSON document into the ordered tree.
func (p *Parser) ParseOrdered(data []byte) (any, error) {
	p.ordered = true
	return p.document(data)
}

func (p *Parser) document(data []byte) (any, error) {
	p.in, p.pos, p.depth = data, 0, 0
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.in) {
		return nil, p.fail("text after the JSON value")
	}
	p.in = nil
	return v, nil
}

func (p *Parser) fail(msg string) error { return &SyntaxError{Offset: p.pos, Msg: msg} }

func (p *Parser) space() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *Parser) value() (any, error) {
	if p.pos >= len(p.in) {
		return nil, p.fail("unexpected end of JSON")
	}
	switch c := p.in[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.string()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.fail("invalid character " + strconv.QuoteRune(rune(p.in[p.pos])))
}

func (p *Parser) literal(lit string) error {
	if len(p.in)-p.pos < len(lit) || string(p.in[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	return nil
}

func (p *Parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.fail("nested too deeply")
	}
	return nil
}

func (p *Parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // {
	var (
		m   map[string]any
		obj Object
	)
	if !p.ordered {
		m = make(map[string]any)
	}
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == '}' {
		p.pos++
		p.depth--
		if p.ordered {
			return Object{}, nil
		}
		return m, nil
	}
	for {
		if p.pos >= len(p.in) || p.in[p.pos] != '"' {
			return nil, p.fail("expected a string as object key")
		}
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.in) || p.in[p.pos] != ':' {
			return nil, p.fail("expected ':' after object key")
		}
		p.pos++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if p.ordered {
			obj = append(obj, Member{Key: k, Value: v})
		} else {
			m[k] = v
		}
		p.space()
		if p.pos >= len(p.in) {
			return nil, p.fail("unexpected end of JSON in object")
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
			p.space()
			continue
		case '}':
			p.pos++
			p.depth--
			if p.ordered {
				return obj, nil
			}
			return m, nil
		}
		return nil, p.fail("expected ',' or '}' in object")
	}
}

func (p *Parser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // [
	a := []any{}
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == ']' {
		p.pos++
		p.depth--
		return a, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		if p.pos >= len(p.in) {
			return nil, p.fail("unexpected end of JSON in array")
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
			p.space()
			continue
		case ']':
			p.pos++
			p.depth--
			return a, nil
		}
		return nil, p.fail("expected ',' or ']' in array")
	}
}

// key parses an object key, reusing the string of an equal key seen before.
func (p *Parser) key() (string, error) {
	raw, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	if s, ok := p.keys[string(raw)]; ok {
		return s, nil
	}
	s := string(raw)
	if p.keys == nil {
		p.keys = make(map[string]string)
	}
	if len(p.keys) < maxInterned {
		p.keys[s] = s
	}
	return s, nil
}

func (p *Parser) string() (any, error) {
	raw, err := p.stringBytes()
	if err != nil {
		return nil, err
	}
	return string(raw), nil
}

// stringBytes parses a JSON string and returns its content, which is valid until the next call: a slice of
// the input when the string has no escapes, else the parser's scratch buffer.
func (p *Parser) stringBytes() ([]byte, error) {
	p.pos++ // "
	start := p.pos
	for p.pos < len(p.in) {
		c := p.in[p.pos]
		switch {
		case c == '"':
			s := p.in[start:p.pos]
			p.pos++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return p.slowString(start)
		case c < ' ':
			return nil, p.fail("control character in string")
		}
		p.pos++
	}
	return nil, p.fail("unexpected end of JSON in string")
}

// slowString decodes a string with escapes or non-ASCII bytes into the scratch buffer; invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func (p *Parser) slowString(start int) ([]byte, error) {
	b := append(p.scratch[:0], p.in[start:p.pos]...)
	for p.pos < len(p.in) {
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.scratch = b
			return b, nil
		case c < ' ':
			return nil, p.fail("control character in string")
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(p.in[p.pos:])
			if r == utf8.RuneError && n == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, p.in[p.pos:p.pos+n]...)
			}
			p.pos += n
		case c != '\\':
			b = append(b, c)
			p.pos++
		default:
			if p.pos+1 >= len(p.in) {
				return nil, p.fail("unexpected end of JSON in string")
			}
			e := p.in[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return nil, p.fail("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.pos+1 < len(p.in) && p.in[p.pos] == '\\' && p.in[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						lo, ok := p.hex4()
						if r2 = utf16.DecodeRune(r, lo); !ok || r2 == utf8.RuneError {
							p.pos, r2 = save, utf8.RuneError
						}
					}
					r = r2
				}
				b = utf8.AppendRune(b, r)
			default:
				p.pos--
				return nil, p.fail("invalid escape in string")
			}
		}
	}
	return nil, p.fail("unexpected end of JSON in string")
}

func (p *Parser) hex4() (rune, bool) {
	if len(p.in)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.in[p.pos : p.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.pos += 4
	return r, true
}

// number parses a JSON number: an integer as int (gojq) or int64/uint64 (ordered), a larger one as
// *big.Int, anything with a fraction or exponent as float64.
func (p *Parser) number() (any, error) {
	start := p.pos
	neg := p.in[p.pos] == '-'
	if neg {
		p.pos++
	}
	intStart := p.pos
	if p.pos < len(p.in) && p.in[p.pos] == '0' {
		p.pos++
	} else if !p.digits() {
		return nil, p.fail("invalid number")
	}
	integer := true
	if p.pos < len(p.in) && p.in[p.pos] == '.' {
		p.pos++
		integer = false
		if !p.digits() {
			return nil, p.fail("invalid number")
		}
	}
	if p.pos < len(p.in) && (p.in[p.pos] == 'e' || p.in[p.pos] == 'E') {
		p.pos++
		integer = false
		if p.pos < len(p.in) && (p.in[p.pos] == '+' || p.in[p.pos] == '-') {
			p.pos++
		}
		if !p.digits() {
			return nil, p.fail("invalid number")
		}
	}
	text := p.in[start:p.pos]
	if integer {
		digits := p.in[intStart:p.pos]
		if len(digits) <= 19 {
			var u uint64
			for _, c := range digits {
				u = u*10 + uint64(c-'0')
			}
			switch {
			case !neg && u <= math.MaxInt64:
				if p.ordered {
					return int64(u), nil
				}
				return int(u), nil
			case neg && u == 0:
				return math.Copysign(0, -1), nil // -0 is a float: an int has no negative zero
			case neg && u <= 1<<63:
				if p.ordered {
					return -int64(u), nil
				}
				return -int(u), nil
			case !neg && p.ordered:
				return u, nil
			}
		}
		if n, ok := new(big.Int).SetString(string(text), 10); ok {
			if p.ordered && !neg && n.IsUint64() {
				return n.Uint64(), nil
			}
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !math.IsInf(f, 0) {
		return nil, p.fail("invalid number")
	}
	return f, nil
}

func (p *Parser) digits() bool {
	start := p.pos
	for p.pos < len(p.in) && p.in[p.pos] >= '0' && p.in[p.pos] <= '9' {
		p.pos++
	}
	return p.pos > start
}
