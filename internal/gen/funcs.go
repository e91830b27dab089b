package gen

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"text/template"
	"time"
)

// state is what the functions of one Template share: the message being rendered, the instant it
// is rendered at, and buffers reused from message to message.
type state struct {
	env     Env
	rand    *rand.Rand
	n       uint64
	now     time.Time
	nowRead bool
	scratch []byte
	jsonBuf bytes.Buffer
	jsonEnc *json.Encoder
	walks   []walkSite // one for each {{walk}} in the text, in order
}

func newState(env Env) *state {
	s := &state{env: env, rand: env.Rand}
	s.jsonEnc = json.NewEncoder(&s.jsonBuf)
	s.jsonEnc.SetEscapeHTML(false) // a payload is not HTML: keep <, > and & as they are
	return s
}

func (s *state) begin(n uint64) {
	s.n = n
	s.nowRead = false
}

// funcMap binds the functions to s. The names must match the ones documented by Funcs.
func (s *state) funcMap() template.FuncMap {
	return template.FuncMap{
		"counter":    s.counter,
		"randInt":    s.randInt,
		"randFloat":  s.randFloat,
		"walk":       unboundWalk,
		"choice":     s.choice,
		"uuid":       s.uuid,
		"now":        s.nowFunc,
		"unix":       func() int64 { return s.clock().Unix() },
		"unixMilli":  func() int64 { return s.clock().UnixMilli() },
		"unixMicro":  func() int64 { return s.clock().UnixMicro() },
		"unixNano":   func() int64 { return s.clock().UnixNano() },
		"hostname":   s.hostname,
		"env":        s.getenv,
		"randBytes":  s.randBytes,
		"randString": s.randString,
		"randHex":    s.randHex,
		"randBase64": s.randBase64,
		"json":       s.json,
		"dict":       dict,
		"list":       list,
	}
}

// funcError is a function's complaint about its arguments; the template error shows the call
// that failed, so the message need not repeat it.
type funcError struct{ fn, msg string }

func (e *funcError) Error() string { return e.fn + ": " + e.msg }

func errf(fn, format string, args ...any) error {
	return &funcError{fn: fn, msg: fmt.Sprintf(format, args...)}
}

func (s *state) counter() uint64 { return s.n }

// clock reads the clock once per message, so that {{now}} and {{unixMilli}} in one payload agree.
func (s *state) clock() time.Time {
	if !s.nowRead {
		s.now, s.nowRead = s.env.Now(), true
	}
	return s.now
}

const rfc3339Milli = "2006-01-02T15:04:05.000Z07:00"

func (s *state) nowFunc(layout ...string) (string, error) {
	switch len(layout) {
	case 0:
		return s.clock().UTC().Format(rfc3339Milli), nil
	case 1:
		return s.clock().UTC().Format(layout[0]), nil
	}
	return "", errf("now", "takes at most one LAYOUT, got %d arguments", len(layout))
}

func (s *state) randInt(lo, hi int) (int, error) {
	if lo > hi {
		return 0, errf("randInt", "MIN %d is greater than MAX %d", lo, hi)
	}
	span := uint64(hi) - uint64(lo) // wraps correctly for the full int range
	if span == math.MaxUint64 {
		return int(s.rand.Uint64()), nil
	}
	return lo + int(s.rand.Uint64N(span+1)), nil
}

// number is a float that prints in plain decimal notation (21.4, 1500000), never with an exponent
// as fmt's %v would for large values; printf and json still see a float64.
type number float64

func (f number) String() string { return strconv.FormatFloat(float64(f), 'f', -1, 64) }

func (s *state) randFloat(lo, hi float64, decimals ...int) (number, error) {
	const fn = "randFloat"
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo <= hi) {
		return 0, errf(fn, "MIN %v must be a number not greater than MAX %v", lo, hi)
	}
	if len(decimals) > 1 {
		return 0, errf(fn, "takes at most one DECIMALS, got %d", len(decimals))
	}
	if len(decimals) == 0 {
		return number(s.uniform(lo, hi)), nil
	}
	d := decimals[0]
	if d < 0 || d > 15 {
		return 0, errf(fn, "DECIMALS must be from 0 to 15, not %d", d)
	}
	// Draw an integer number of 10^-d steps, so that every printed value is equally likely and
	// both ends can occur: randFloat 18 25 1 gives 18, 18.1, ... 25.
	scale := math.Pow10(d)
	first, last := math.Ceil(snap(lo*scale)), math.Floor(snap(hi*scale))
	if first > last {
		return 0, errf(fn, "there is no number with %d decimals from %v to %v", d, lo, hi)
	}
	const exact = 1 << 53
	if -exact < first && last < exact {
		k := first + float64(s.rand.Uint64N(uint64(last-first)+1))
		return number(k / scale), nil
	}
	// So large that float64 has no digits left at 10^-d: any value is already rounded.
	return number(s.uniform(lo, hi)), nil
}

// snap undoes the rounding error of a decimal times a power of ten (0.29*100 is 28.999999999999996).
func snap(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) <= 1e-9*math.Max(1, math.Abs(x)) {
		return r
	}
	return x
}

// uniform is a random float from lo to hi, computed so that hi-lo cannot overflow.
func (s *state) uniform(lo, hi float64) float64 {
	u := s.rand.Float64()
	return min(max(lo*(1-u)+hi*u, lo), hi)
}

func (s *state) choice(items ...any) (any, error) {
	if len(items) == 1 {
		if l, ok := items[0].([]any); ok {
			items = l
		}
	}
	if len(items) == 0 {
		return nil, errf("choice", "give at least one value to choose from")
	}
	return items[s.rand.IntN(len(items))], nil
}

func (s *state) uuid() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], s.rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], s.rand.Uint64())
	b[6] = b[6]&0x0f | 0x40 // version 4: random
	b[8] = b[8]&0x3f | 0x80 // the RFC 9562 variant
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:], b[10:])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
}

func (s *state) hostname() (string, error) {
	if s.env.Hostname == "" {
		return "", errf("hostname", "the name of this host is unknown")
	}
	return s.env.Hostname, nil
}

// getenv fails on an unset variable without a default: a payload silently missing a value is
// worse than a run that does not start. A variable set to "" is "".
func (s *state) getenv(name string, def ...string) (string, error) {
	if len(def) > 1 {
		return "", errf("env", "takes NAME and at most one DEFAULT, got %d arguments", 1+len(def))
	}
	if v, ok := s.env.Lookup(name); ok {
		return v, nil
	}
	if len(def) == 1 {
		return def[0], nil
	}
	return "", errf("env", "$%s is not set; set it, or give a default: env %q \"value\"", name, name)
}

// random fills the scratch buffer with n random bytes, after checking that an output of outLen(n)
// bytes is allowed.
func (s *state) random(fn string, n int, outLen func(int) int) ([]byte, error) {
	if n < 0 {
		return nil, errf(fn, "N must be 0 or more, not %d", n)
	}
	if n > s.env.MaxSize || outLen(n) > s.env.MaxSize {
		return nil, errf(fn, "N %d is too large: a rendering may be at most %d bytes", n, s.env.MaxSize)
	}
	s.scratch = AppendRandomBytes(s.scratch[:0], s.rand, n)
	return s.scratch, nil
}

func same(n int) int { return n }

func (s *state) randBytes(n int) (string, error) {
	b, err := s.random("randBytes", n, same)
	return string(b), err
}

func (s *state) randHex(n int) (string, error) {
	b, err := s.random("randHex", n, hex.EncodedLen)
	return hex.EncodeToString(b), err
}

func (s *state) randBase64(n int) (string, error) {
	b, err := s.random("randBase64", n, base64.StdEncoding.EncodedLen)
	return base64.StdEncoding.EncodeToString(b), err
}

const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func (s *state) randString(n int) (string, error) {
	b, err := s.random("randString", n, same)
	if err != nil {
		return "", err
	}
	// Reject bytes of 248 and above so that each of the 62 characters is equally likely.
	for i := range b {
		for b[i] >= 248 {
			b[i] = byte(s.rand.Uint32())
		}
		b[i] = alphanumeric[b[i]%62]
	}
	return string(b), nil
}

func (s *state) json(v any) (string, error) {
	s.jsonBuf.Reset()
	if err := s.jsonEnc.Encode(v); err != nil {
		return "", errf("json", "%v", err)
	}
	return string(bytes.TrimSuffix(s.jsonBuf.Bytes(), []byte("\n"))), nil
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errf("dict", "needs KEY VALUE pairs, got %d arguments", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errf("dict", "key %v is a %T, not a string", kv[i], kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func list(items ...any) []any { return items }
