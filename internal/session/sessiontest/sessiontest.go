// Package sessiontest is an in-memory session.Session for testing what drives one (the publisher, the
// receiver): it records what is published and flushed, acknowledges as the test says, and ends when
// the test says.
package sessiontest

import (
	"context"
	"errors"
	"slices"
	"sync"

	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/wire"
)

// Session is an in-memory session.Session. Set its fields before use.
type Session struct {
	// Ack says how the broker answers a QoS 1/2 message: with a reason code (0x80 and more refuse
	// it), or not at all (ok false: it stays unacknowledged). Nil acknowledges everything.
	Ack func(m *message.Message) (reason byte, ok bool)
	// PublishErr, when set, is returned by Publish for the messages it returns an error for.
	PublishErr func(m *message.Message) error
	// OnPublish, when set, is told each message published, as Publish takes it.
	OnPublish func(m *message.Message)
	// Granted are the codes a Subscribe returns; nil grants each filter its QoS.
	Granted []byte

	mu         sync.Mutex
	published  []message.Message
	flushedAt  []int // len(published) at each Flush that had something to write
	flushes    int
	subscribed []session.Subscription
	unsubs     []string
	report     session.DeliveryReport
	nextID     uint16
	disconnect bool
	done       chan struct{}
	once       sync.Once
	err        error
}

// New returns a connected Session.
func New() *Session { return &Session{done: make(chan struct{})} }

func (s *Session) Publish(_ context.Context, m *message.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.PublishErr != nil {
		if err := s.PublishErr(m); err != nil {
			return err
		}
	}
	select {
	case <-s.done:
		return errors.New("connection lost")
	default:
	}
	m.MID = 0
	if m.QoS > 0 {
		s.nextID++
		m.MID = s.nextID
		s.report.Sent++
		reason, ok := byte(0), true
		if s.Ack != nil {
			reason, ok = s.Ack(m)
		}
		switch {
		case ok && wire.Failed(reason):
			s.report.Refused++
			s.report.LastReason = wire.ReasonText(reason)
		case ok:
			s.report.Acked++
		}
	}
	c := *m
	c.Payload = slices.Clone(m.Payload) // m may be reused once Publish returns
	s.published = append(s.published, c)
	if s.OnPublish != nil {
		s.OnPublish(&c)
	}
	return nil
}

func (s *Session) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushes++
	if n := len(s.published); len(s.flushedAt) == 0 || s.flushedAt[len(s.flushedAt)-1] != n {
		s.flushedAt = append(s.flushedAt, n)
	}
	return nil
}

// Drain returns at once: every acknowledgement the test gave has come.
func (s *Session) Drain(context.Context) session.DeliveryReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.report
}

func (s *Session) Subscribe(_ context.Context, subs []session.Subscription, _ *message.Properties) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subscribed = append(s.subscribed, subs...)
	if s.Granted != nil {
		return s.Granted, nil
	}
	codes := make([]byte, len(subs))
	for i, sub := range subs {
		codes[i] = sub.QoS
	}
	return codes, nil
}

func (s *Session) SubscribeThenUnsubscribe(ctx context.Context, subs []session.Subscription, props *message.Properties, unsubs []string, _ *message.Properties) ([]byte, error) {
	codes, err := s.Subscribe(ctx, subs, props)
	s.mu.Lock()
	s.unsubs = append(s.unsubs, unsubs...)
	s.mu.Unlock()
	return codes, err
}

func (s *Session) Unsubscribe(_ context.Context, filters []string, _ *message.Properties) error {
	s.mu.Lock()
	s.unsubs = append(s.unsubs, filters...)
	s.mu.Unlock()
	return nil
}

func (s *Session) Disconnect(context.Context, *message.Properties) error {
	s.mu.Lock()
	s.disconnect = true
	s.mu.Unlock()
	s.once.Do(func() { close(s.done) })
	return nil
}

func (s *Session) Done() <-chan struct{} { return s.done }

func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Session) Server() session.ServerInfo { return session.ServerInfo{} }

// Lose ends the session as a lost connection does, with err.
func (s *Session) Lose(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
	s.once.Do(func() { close(s.done) })
}

// Published is every message published so far, in order.
func (s *Session) Published() []message.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.published)
}

// FlushedAt says how many messages had been published at each Flush that had something to write.
func (s *Session) FlushedAt() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.flushedAt)
}

// Subscribed is every subscription made; Unsubscribed every filter unsubscribed.
func (s *Session) Subscribed() []session.Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.subscribed)
}

func (s *Session) Unsubscribed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unsubs)
}

// Disconnected says whether Disconnect was called.
func (s *Session) Disconnected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disconnect
}

var _ session.Session = (*Session)(nil)
