package format

import "strings"

type kind uint8

const (
	kindLiteral kind = iota
	kindTopic
	kindPayload
	kindHexLower
	kindHexUpper
	kindLength
	kindQoS
	kindRetain
	kindMID
	kindTopicAlias
	kindContentType
	kindCorrelation
	kindExpiry
	kindPayloadFormat
	kindUserProps
	kindResponseTopic
	kindSubID
	kindISO
	kindUnix
	kindJSON
	kindJSONRaw
	kindStrftime
	kindNanos
	kindFloat  // %f: a 4-byte payload as an IEEE 754 float
	kindDouble // %d: an 8-byte payload as an IEEE 754 double
)

func (k kind) readsClock() bool {
	switch k {
	case kindISO, kindUnix, kindJSON, kindJSONRaw, kindStrftime, kindNanos:
		return true
	}
	return false
}

// percentKinds maps each letter after % to what it prints; a letter missing here is refused, as check_format
// refuses it. %% is handled apart because it compiles to a literal.
var percentKinds = [256]kind{
	't': kindTopic, 'p': kindPayload, 'x': kindHexLower, 'X': kindHexUpper, 'l': kindLength, 'q': kindQoS,
	'r': kindRetain, 'm': kindMID, 'A': kindTopicAlias, 'C': kindContentType, 'D': kindCorrelation,
	'E': kindExpiry, 'F': kindPayloadFormat, 'P': kindUserProps, 'R': kindResponseTopic, 'S': kindSubID,
	'I': kindISO, 'U': kindUnix, 'j': kindJSON, 'J': kindJSONRaw,
}

// floatKinds are the letters DialectMQTT adds, as mosquitto 2.1 did.
var floatKinds = [256]kind{'f': kindFloat, 'd': kindDouble}

// hexSeparators are the characters mosquitto 2.1 reads after the precision as the separator of hex groups
// (hexseplist in client_shared.c). It takes one before any letter, where it does nothing but for %x and %X;
// so in "%+f" the + is a separator, not printf's flag, and prints no sign.
var hexSeparators = [256]bool{
	'!': true, '"': true, '#': true, '$': true, '&': true, '\'': true, '(': true, ')': true,
	'*': true, '+': true, ',': true, '-': true, '.': true, '/': true, ':': true, ';': true,
	'<': true, '=': true, '>': true, '?': true, '@': true, '[': true, '\\': true, ']': true,
	'^': true, '_': true, '`': true, '{': true, '|': true, '}': true, '~': true, ' ': true,
}

// escapes are the only \ sequences check_format accepts.
var escapes = [256]byte{'\\': '\\', '0': 0, 'a': '\a', 'e': 0x1b, 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// maxWidth bounds field widths and precisions. mosquitto takes them as C ints and would pad a single field with
// up to 2 GiB of blanks; nobody wants that per message, and the bound keeps output linear in the input.
const maxWidth = 1<<16 - 1

// step is one instruction of a compiled format.
type step struct {
	kind  kind
	left  bool   // '-' flag
	zero  bool   // '0' flag
	width int    // 0: none
	prec  int    // -1: none
	group int    // %x and %X in DialectMQTT: hex digits per group, 0 for none (the precision, if above 0)
	sep   byte   // what separates groups: a space unless one of hexSeparators follows the precision
	conv  byte   // the strftime conversion of kindStrftime
	lit   string // the bytes of kindLiteral
}

// compile parses a -F string the way check_format validates it and formatted_print reads it, in the
// dialect's version of them.
func compile(spec string, d Dialect) ([]step, error) {
	// The argument comes from argv in mosquitto, so it ends at the first NUL byte; strlen sees nothing after it.
	if i := strings.IndexByte(spec, 0); i >= 0 {
		spec = spec[:i]
	}
	c := compiler{spec: spec, dialect: d}
	for c.i < len(spec) {
		b := spec[c.i]
		c.i++
		var err error
		switch b {
		case '%':
			err = c.percent()
		case '@':
			err = c.at()
		case '\\':
			err = c.escape()
		default:
			c.lit = append(c.lit, b)
		}
		if err != nil {
			return nil, err
		}
	}
	c.flush()
	return c.steps, nil
}

type compiler struct {
	spec    string
	dialect Dialect
	i       int
	lit     []byte // literal bytes not yet emitted, so that adjacent literals become one step
	steps   []step
}

func (c *compiler) flush() {
	if len(c.lit) > 0 {
		c.steps = append(c.steps, step{kind: kindLiteral, lit: string(c.lit), prec: -1})
		c.lit = c.lit[:0]
	}
}

func (c *compiler) add(s step) {
	c.flush()
	c.steps = append(c.steps, s)
}

// next returns the byte at the cursor and advances; ok is false at the end of the spec.
func (c *compiler) next() (byte, bool) {
	if c.i >= len(c.spec) {
		return 0, false
	}
	b := c.spec[c.i]
	c.i++
	return b, true
}

func (c *compiler) percent() error {
	s := step{prec: -1, sep: ' '}
	b, ok := c.next()
	// One '-' and then one '0' are flags; "%0-" is refused because '-' is then the conversion. In "%-05t" the
	// 0 is a flag too, which matters only where mosquitto pads a missing property with the pad character.
	if ok && b == '-' {
		s.left = true
		b, ok = c.next()
	}
	if ok && b == '0' {
		s.zero = true
		b, ok = c.next()
	}
	for ok && b >= '0' && b <= '9' {
		s.width = min(s.width*10+int(b-'0'), maxWidth)
		b, ok = c.next()
	}
	if ok && b == '.' {
		s.prec = 0
		b, ok = c.next()
		for ok && b >= '0' && b <= '9' {
			s.prec = min(s.prec*10+int(b-'0'), maxWidth)
			b, ok = c.next()
		}
	}
	mqtt := c.dialect == DialectMQTT
	if ok && mqtt && hexSeparators[b] {
		s.sep = b
		b, ok = c.next()
	}
	if !ok {
		// mosquitto 2.1 says "Invalid format specifier" with a NUL for "%.2:"; cut off is what it is.
		return ErrIncompleteFormat
	}
	if b == '%' {
		c.lit = append(c.lit, '%')
		return nil
	}
	s.kind = percentKinds[b]
	if s.kind == kindLiteral && mqtt {
		s.kind = floatKinds[b]
	}
	if s.kind == kindLiteral {
		return &SpecifierError{Char: b}
	}
	if mqtt && (s.kind == kindHexLower || s.kind == kindHexUpper) && s.prec > 0 {
		s.group = s.prec
	}
	c.add(s)
	return nil
}

func (c *compiler) at() error {
	b, ok := c.next()
	if !ok {
		return ErrIncompleteFormat
	}
	switch {
	case b == '@':
		c.lit = append(c.lit, '@')
	case b == 'N':
		c.add(step{kind: kindNanos, prec: -1})
	case constantStrftime[b] != "":
		c.lit = append(c.lit, constantStrftime[b]...)
	case strftimeKnown[b]:
		c.add(step{kind: kindStrftime, conv: b, prec: -1})
	default:
		// glibc's strftime copies a conversion it does not know, so "@q" prints "%q".
		c.lit = append(c.lit, '%', b)
	}
	return nil
}

func (c *compiler) escape() error {
	b, ok := c.next()
	if !ok {
		return ErrIncompleteEscape
	}
	if escapes[b] == 0 && b != '0' {
		return &SpecifierError{Escape: true, Char: b}
	}
	c.lit = append(c.lit, escapes[b])
	return nil
}
