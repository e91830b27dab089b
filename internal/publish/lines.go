package publish

import (
	"bytes"
	"context"
	"errors"
	"io"

	"mqtt/internal/message"
	"mqtt/internal/payload"
	"mqtt/internal/topic"
	"mqtt/internal/wire"
)

// Lines sends each line of its input as a message. The input is read on a goroutine of its own, so that
// a lost connection or a signal ends the run even while the input is quiet (`tail -f | mqtt pub -l`), and
// lines that came in together go out in one write while a line from `tail -f` goes out at once. With a
// separator, each line is a topic, the separator and the payload; a line without a usable topic is a
// *Skip. Close stops the reading.
type Lines struct {
	in    io.Reader
	sep   []byte
	lines chan []byte
	errc  chan error
	quit  chan struct{}
	n     int // lines read
}

// NewLines reads in; sep, when not empty, splits each line into topic and payload.
func NewLines(in io.Reader, sep string) *Lines {
	l := &Lines{in: in}
	if sep != "" {
		l.sep = []byte(sep)
	}
	return l
}

func (l *Lines) Next(ctx context.Context, m *message.Message) (bool, error) {
	if l.lines == nil {
		l.start()
	}
	var line []byte
	select {
	case b, ok := <-l.lines:
		if !ok {
			if err := <-l.errc; err != nil {
				return false, err
			}
			return false, io.EOF
		}
		line = b
	case <-ctx.Done():
		return false, context.Cause(ctx)
	}
	l.n++
	m.Payload = line
	if l.sep != nil {
		if skip := l.split(m, line); skip != nil {
			return false, skip
		}
	}
	return len(l.lines) > 0, nil
}

// split puts a line's topic and payload into m.
func (l *Lines) split(m *message.Message, line []byte) *Skip {
	t, p, found := bytes.Cut(line, l.sep)
	switch {
	case !found:
		return &Skip{Line: l.n, Reason: NoSeparator}
	case topic.ValidatePublish(string(t)) != nil:
		return &Skip{Line: l.n, Reason: BadTopic, Topic: string(t)}
	}
	if string(t) != m.Topic { // no new string while the topic stays the same
		m.Topic = string(t)
	}
	m.Payload = p
	return nil
}

// start reads each line, copied, until the input ends or Close; then the read error (nil at the end of
// the input) is sent on errc.
func (l *Lines) start() {
	l.lines, l.errc, l.quit = make(chan []byte, 256), make(chan error, 1), make(chan struct{})
	go func() {
		defer close(l.lines)
		lr := payload.NewLineReader(l.in, wire.MaxRemaining)
		for {
			line, err := lr.Next()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				} else {
					err = &ReadError{err}
				}
				l.errc <- err
				return
			}
			select {
			// A copy: the reader reuses its buffer, and the session may hold the payload until written.
			case l.lines <- append([]byte(nil), line...):
			case <-l.quit:
				return
			}
		}
	}()
}

// Close stops reading the input.
func (l *Lines) Close() error {
	if l.quit != nil {
		close(l.quit)
		l.quit = nil
	}
	return nil
}
