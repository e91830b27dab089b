package publish

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"

	"mqtt/internal/gen"
	"mqtt/internal/message"
	"mqtt/internal/payload"
	"mqtt/internal/wire"
)

// Source is where the messages of a run come from. Next fills m with the next one: its payload, and its
// topic when the source has one (m keeps what the publisher set: the topic otherwise, QoS, retain and
// properties). more says another message is ready at once, so that this one may wait in the session's
// buffer and go out with it in one write. Next returns io.EOF after the last message, a *Skip for input
// that makes no message (the run goes on), or the cause of ctx once it ends while Next waits. m.Payload
// needs to stay valid only until the next call.
type Source interface {
	Next(ctx context.Context, m *message.Message) (more bool, err error)
}

// Repeat sends one body Count times; 0 is for ever.
type Repeat struct {
	Body  []byte
	Count int
	n     int
}

func (r *Repeat) Next(_ context.Context, m *message.Message) (bool, error) {
	more, err := count(&r.n, r.Count)
	m.Payload = r.Body
	return more, err
}

// Random sends Count messages (0: for ever) of Size random bytes each, new bytes every time, drawn from
// Rand (seeded for a repeatable run).
type Random struct {
	Size  int
	Count int
	Rand  *rand.Rand
	buf   []byte
	n     int
}

func (r *Random) Next(_ context.Context, m *message.Message) (bool, error) {
	more, err := count(&r.n, r.Count)
	if err != nil {
		return false, err
	}
	// One buffer serves every message: the session copies the payload, or writes it, before Publish returns.
	r.buf = gen.AppendRandomBytes(r.buf[:0], r.Rand, r.Size)
	m.Payload = r.buf
	return more, nil
}

// count takes message *n+1 of limit (0: no limit): whether more follow, or io.EOF past the last.
func count(n *int, limit int) (bool, error) {
	if limit > 0 && *n >= limit {
		return false, io.EOF
	}
	*n++
	return limit == 0 || *n < limit, nil
}

// BodyFrom says where the one body of a run comes from.
type BodyFrom int

const (
	BodyGiven BodyFrom = iota // the bytes given (an empty body too)
	BodyFile                  // a file, read whole
	BodyInput                 // all of the input
)

// ReadBody reads a body from where it comes from, up to the most a PUBLISH carries: more is a
// *payload.TooLargeError. A file that cannot be read is its *os.PathError.
func ReadBody(from BodyFrom, given []byte, path string, input io.Reader) ([]byte, error) {
	switch from {
	case BodyFile:
		return payload.ReadFile(path, wire.MaxRemaining)
	case BodyInput:
		return payload.ReadAll(input, wire.MaxRemaining)
	}
	return given, nil
}

// SkipReason says why a line made no message.
type SkipReason int

const (
	NoSeparator SkipReason = iota + 1 // the line has no topic separator
	BadTopic                          // what is before the separator is not a topic to publish to
)

// Skip is a line of input that made no message. It is returned by Next, counted by the publisher and
// told to Options.OnSkip.
type Skip struct {
	Line   int // from 1
	Reason SkipReason
	Topic  string // the topic refused, for BadTopic
}

func (s *Skip) Error() string {
	if s.Reason == BadTopic {
		return fmt.Sprintf("line %d: %q is not a topic to publish to", s.Line, s.Topic)
	}
	return fmt.Sprintf("line %d: no topic separator", s.Line)
}

// ReadError is input that could not be read: a line longer than a PUBLISH carries (a
// *payload.TooLargeError), or the reader's error.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "reading the input: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }
