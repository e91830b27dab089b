package replay

import (
	"context"
	"io"
	"sync"

	"mqtt/internal/message"
)

// Source hands a replay's messages to a publisher (it is a publish.Source), each at its due time, so
// that the publisher's accounting (sent, acknowledged, refused) covers a replay as it covers any run.
// The schedule runs on a goroutine of its own; each message waits there until the publisher has taken
// the one before, so the recording's clock, not the publisher, decides when a message leaves.
type Source struct {
	r io.Reader
	o Options
	// QoS, when set, replaces every recorded QoS (pub's -q); Retain sets every retain flag (-r).
	QoS    *byte
	Retain bool
	// Props are the properties of a message recorded without any (pub's -D publish).
	Props *message.Properties

	once    sync.Once
	cancel  context.CancelFunc
	next    chan *message.Message
	took    chan struct{}
	done    chan struct{}
	holding bool // the last message handed out is still the publisher's
	res     Result
	err     error
}

// NewSource returns a Source that replays the recording in r as Replay does.
func NewSource(r io.Reader, o Options) *Source {
	return &Source{r: r, o: o, next: make(chan *message.Message), took: make(chan struct{}), done: make(chan struct{})}
}

// Next waits for the next message to be due and fills m with it: topic, payload, QoS, retain and
// properties. It returns io.EOF after the last, or the replay's error (a *LineError, ErrSpeed).
func (s *Source) Next(ctx context.Context, m *message.Message) (bool, error) {
	s.once.Do(func() { s.start(ctx) })
	if s.holding {
		// The publisher asks for the next one: it is done with the one before.
		s.holding = false
		select {
		case s.took <- struct{}{}:
		case <-s.done:
		}
	}
	select {
	case pm := <-s.next:
		m.Topic, m.Payload, m.QoS, m.Retain, m.Props = pm.Topic, pm.Payload, pm.QoS, pm.Retain, pm.Props
		if m.Props == nil {
			m.Props = s.Props
		}
		if s.QoS != nil {
			m.QoS = *s.QoS
		}
		m.Retain = m.Retain || s.Retain
		s.holding = true
		return false, nil
	case <-s.done:
		if s.err != nil {
			return false, s.err
		}
		return false, io.EOF
	case <-ctx.Done():
		return false, context.Cause(ctx)
	}
}

func (s *Source) start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	go func() {
		defer close(s.done)
		s.res, s.err = Replay(ctx, s.r, s.hand, s.o)
	}()
}

// hand is the replay's Publish: it gives m to Next and waits until the publisher is done with it.
func (s *Source) hand(ctx context.Context, m *message.Message) error {
	select {
	case s.next <- m:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-s.took:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops the replay and waits for its goroutine; the publisher calls it at the end of a run.
func (s *Source) Close() error {
	s.once.Do(func() { close(s.done) }) // never started: nothing to stop
	if s.cancel != nil {
		s.cancel()
	}
	<-s.done
	return nil
}

// Result is what the replay did, once Next has returned io.EOF or an error, or Close has returned.
func (s *Source) Result() Result { return s.res }
