// Package format turns a received message into the bytes mosquitto_sub 2.0.11 prints for it: the payload alone,
// "topic payload" with -v, or the -F output language with its %, @ and \ sequences, including %j/%J JSON and
// --pretty; in DialectMQTT also what mosquitto 2.1 added to -F. A format is compiled once into steps, so
// printing a message never parses anything.
//
// Where mosquitto's output cannot be parsed back (a binary payload in %j), mqtt deliberately differs; every such
// place is marked in the code and listed in the package tests.
package format

import (
	"fmt"
	"time"

	"mqtt/internal/message"
)

// Dialect is the -F language a format is read in.
type Dialect uint8

const (
	// DialectMosquitto is mosquitto_sub 2.0.11's -F exactly, refusals included: what a link named
	// mosquitto_sub must accept and print.
	DialectMosquitto Dialect = iota
	// DialectMQTT is mqtt's own: DialectMosquitto plus what mosquitto 2.1 added, %f and %d (the payload as
	// an IEEE 754 float or double) and hex digits in groups (%.2:x). Whatever 2.0.11 accepts prints as
	// 2.0.11 prints it, where 2.1 prints it otherwise (%j's retain, a width on %x without groups) too.
	DialectMQTT
)

// Options are the mosquitto_sub flags that decide the output.
type Options struct {
	// Format is the -F argument. New treats "" as "no -F"; mosquitto_sub -F '' prints an empty line per
	// message, which Compile("", opts) gives.
	Format  string
	Dialect Dialect // the language of Format
	Verbose bool    // -v
	NoEOL   bool    // -N
	Pretty  bool    // --pretty, for %j and %J
	// Location is the time zone of %I, %j, %J and @ sequences and of Timestamp; nil means time.Local, which
	// is what mosquitto's localtime(3) uses (TZ).
	Location *time.Location
	// Output is --output: how the payload is shown in default and -v output. "" and "text" print it as is
	// (mosquitto), "hex" as a hex dump, "base64" as one line of standard base64. -F ignores it.
	Output string
	// Timestamp is --timestamp: the receive time (RFC 3339, microseconds) and a space in front of default
	// and -v output. -F ignores it: the -F language has its own time specifiers.
	Timestamp bool
}

type mode uint8

const (
	modePayload mode = iota
	modeVerbose
	modeFormat
)

// Formatter prints messages in one output format. It is immutable and safe for concurrent use.
type Formatter struct {
	mode     mode
	eol      bool
	pretty   bool
	loc      *time.Location
	steps    []step
	needTime bool // some step reads the clock, so Append breaks Received down once per message
	jsonRaw  int  // number of %J steps: the Count of a NotJSONError
	floats   int  // number of %f steps, the Floats of a NotFloatError
	doubles  int  // number of %d steps, its Doubles
	// output and timestamp are --output and --timestamp; with neither, default and -v output take
	// mosquitto's own path untouched.
	output    output
	timestamp bool
}

// New returns the formatter mosquitto_sub would use for these flags: -F when Format is set (it wins over -v),
// else -v, else the payload alone.
func New(opts Options) (*Formatter, error) {
	out, ok := parseOutput(opts.Output)
	if !ok {
		return nil, fmt.Errorf("unknown --output %q: use text, hex or base64", opts.Output)
	}
	if opts.Format != "" {
		return Compile(opts.Format, opts)
	}
	f := newFormatter(opts)
	if opts.Verbose {
		f.mode = modeVerbose
	}
	f.output = out
	f.timestamp = opts.Timestamp
	return f, nil
}

// Compile compiles spec as the -F argument, even when spec is empty. The error is one of the mosquitto_sub
// refusals (ErrIncompleteFormat, ErrIncompleteEscape, *SpecifierError).
func Compile(spec string, opts Options) (*Formatter, error) {
	steps, err := compile(spec, opts.Dialect)
	if err != nil {
		return nil, err
	}
	f := newFormatter(opts)
	f.mode = modeFormat
	f.steps = steps
	for _, s := range steps {
		f.needTime = f.needTime || s.kind.readsClock()
		switch s.kind {
		case kindJSONRaw:
			f.jsonRaw++
		case kindFloat:
			f.floats++
		case kindDouble:
			f.doubles++
		}
	}
	return f, nil
}

func newFormatter(opts Options) *Formatter {
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	return &Formatter{eol: !opts.NoEOL, pretty: opts.Pretty, loc: loc}
}

// Append appends the bytes mosquitto_sub prints for m to dst, end of line included, and allocates nothing once
// dst has room. The error is a *NotJSONError when %J met a payload that is not JSON, a *NotFloatError when %f
// or %d met one of another size than theirs, or both joined; the rest of the output is still appended, as
// mosquitto still prints it.
func (f *Formatter) Append(dst []byte, m *message.Message) ([]byte, error) {
	if f.mode != modeFormat && (f.output != outputText || f.timestamp) {
		return f.appendPlain(dst, m), nil
	}
	switch f.mode {
	case modePayload:
		// mosquitto skips an empty message entirely: no newline either.
		if len(m.Payload) == 0 {
			return dst, nil
		}
		dst = append(dst, m.Payload...)
		if f.eol {
			dst = append(dst, '\n')
		}
		return dst, nil
	case modeVerbose:
		if len(m.Payload) == 0 {
			// With -N mosquitto prints nothing at all for an empty message, not even the topic.
			if f.eol {
				dst = append(dst, cString(m.Topic)...)
				dst = append(dst, " (null)\n"...)
			}
			return dst, nil
		}
		dst = append(dst, cString(m.Topic)...)
		dst = append(dst, ' ')
		dst = append(dst, m.Payload...)
		if f.eol {
			dst = append(dst, '\n')
		}
		return dst, nil
	}
	return f.appendFormat(dst, m)
}
