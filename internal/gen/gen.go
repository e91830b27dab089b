package gen

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"mqtt/internal/wire"
)

// MaxPayload is the largest payload MQTT can carry (the largest Remaining Length), and the default
// limit on what one rendering may produce.
const MaxPayload = wire.MaxRemaining

// Env is everything a template may read that is not in its text. All of Now, Rand and Lookup must be
// set; a Template uses them from one goroutine only, so templates compiled with the same Env (the
// payload and the topic of one command) must be rendered from the same goroutine.
//
// Each Template reads Now once per message. For the topic and the payload of one message to show
// the same instant, give a Now that returns a time the caller fixes before rendering that message.
type Env struct {
	Now      func() time.Time            // read once per rendering, by the first time function
	Rand     *rand.Rand                  // every random function draws from it
	Hostname string                      // for hostname; empty makes hostname fail
	Lookup   func(string) (string, bool) // for env, as os.LookupEnv
	MaxSize  int                         // largest rendering in bytes; 0 means MaxPayload
	// Stop, once closed, ends a rendering in progress with ErrStopped: each {{range}} looks at it
	// before every pass, so that {{range 100000000000}}{{end}} gives way to SIGINT at once. Nil
	// never stops.
	Stop <-chan struct{}
}

// ErrStopped is the error of a rendering that Env.Stop ended.
var ErrStopped = errors.New("rendering stopped")

// SystemEnv is the Env of a real run: the system clock, a generator seeded from the operating
// system's entropy (so UUIDs from two runs do not collide), this host's name and the process
// environment. If the host name cannot be read, hostname fails when a template uses it.
func SystemEnv() Env {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails (it crashes the program instead)
	host, _ := os.Hostname()
	return Env{
		Now:      time.Now,
		Rand:     rand.New(rand.NewChaCha8(seed)),
		Hostname: host,
		Lookup:   os.LookupEnv,
	}
}

// Template is a compiled template. It keeps per-rendering state, so it must not be rendered from
// two goroutines at once.
type Template struct {
	name, text string
	tmpl       *template.Template // nil when text has no action: Append copies text
	st         *state
	w          appendWriter
}

// Compile parses text once. name says where the text came from ("-m", "-t", ...) and starts every
// error message. Besides parse errors, Compile reports what fails on a trial rendering (an unknown
// environment variable, randInt with MIN above MAX, a wrong argument): the trial draws from a
// generator of its own and a fixed clock, so Compile neither reads env.Now nor consumes env.Rand.
// {{define}}, {{block}} and {{template}} are refused: a payload has no use for them, and a template
// that calls itself could render for ever.
func Compile(name, text string, env Env) (*Template, error) {
	if env.Now == nil || env.Rand == nil || env.Lookup == nil {
		return nil, errors.New("gen: Env needs Now, Rand and Lookup")
	}
	if env.MaxSize <= 0 {
		env.MaxSize = MaxPayload
	}
	t := &Template{name: name, text: text}
	if !strings.Contains(text, "{{") {
		if len(text) > env.MaxSize {
			return nil, fmt.Errorf("template %s: the text is larger than %d bytes", name, env.MaxSize)
		}
		return t, nil
	}
	t.st = newState(env)
	funcs := t.st.funcMap()
	tree, err := parseTree(name, text, funcs)
	if err != nil {
		return nil, err
	}
	t.st.bindWalks(tree.Root, funcs)
	if env.Stop != nil {
		funcs[stopCheck] = func() (string, error) {
			select {
			case <-env.Stop:
				return "", ErrStopped
			default:
				return "", nil
			}
		}
		checkStopInRanges(tree.Root)
	}
	t.tmpl, err = template.New(name).Funcs(funcs).Option("missingkey=error").AddParseTree(name, tree)
	if err != nil {
		return nil, t.wrapError(err)
	}
	if err := t.trial(); err != nil {
		return nil, err
	}
	return t, nil
}

// parseTree parses without checking function names, so that an unknown one can be reported with
// its column and a suggestion instead of text/template's bare line number.
func parseTree(name, text string, funcs template.FuncMap) (*parse.Tree, error) {
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	set := map[string]*parse.Tree{}
	if _, err := tree.Parse(text, "", "", set); err != nil {
		return nil, parseError(name, text, err)
	}
	if len(set) != 1 || set[name] != tree {
		return nil, errorAt(name, text, -1, "{{define}} and {{block}} are not supported")
	}
	if err := checkNames(name, text, tree.Root, funcs); err != nil {
		return nil, err
	}
	return tree, nil
}

// trial renders once as message 1 with a private generator and a fixed clock, to report at compile
// time what would otherwise fail on the first message.
func (t *Template) trial() error {
	real := t.st.rand
	defer func() { t.st.rand = real; t.st.resetWalks() }()
	t.st.rand = rand.New(rand.NewPCG(1, 2))
	t.st.begin(1)
	t.st.now, t.st.nowRead = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true
	_, err := t.render(nil)
	return err
}

// Static reports whether the text has no template action, so the caller can render it once.
func (t *Template) Static() bool { return t.tmpl == nil }

// Append renders the template for message number n and appends the result to dst. The caller
// counts messages from 1, which is what {{counter}} prints. On error dst is returned unchanged in
// length. A static text is appended as is, without allocating when dst has room.
func (t *Template) Append(dst []byte, n uint64) ([]byte, error) {
	if t.tmpl == nil {
		return append(dst, t.text...), nil
	}
	t.st.begin(n)
	return t.render(dst)
}

func (t *Template) render(dst []byte) ([]byte, error) {
	t.w = appendWriter{buf: dst, limit: len(dst) + t.st.env.MaxSize}
	err := t.tmpl.Execute(&t.w, nil)
	out := t.w.buf
	t.w.buf = nil // do not keep the caller's buffer alive
	if err != nil {
		return dst, t.wrapError(err)
	}
	return out, nil
}

// appendWriter is the io.Writer text/template needs, over a slice the caller owns, with a cap on
// the size so that a runaway {{range}} ends with an error instead of exhausting memory.
type appendWriter struct {
	buf   []byte
	limit int
}

var errTooLarge = errors.New("output too large")

func (w *appendWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit-len(w.buf) {
		return 0, errTooLarge
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// AppendRandomBytes appends n random bytes, any of the 256 values, to dst: the payload of
// `--size N`. Use the template function randString for printable text.
func AppendRandomBytes(dst []byte, r *rand.Rand, n int) []byte {
	if n <= 0 {
		return dst
	}
	dst = slices.Grow(dst, n)
	for ; n >= 8; n -= 8 {
		dst = binary.LittleEndian.AppendUint64(dst, r.Uint64())
	}
	if n > 0 {
		for v := r.Uint64(); n > 0; n-- {
			dst = append(dst, byte(v))
			v >>= 8
		}
	}
	return dst
}
