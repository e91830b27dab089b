package benchrun

import (
	"errors"
	"sync/atomic"
	"time"

	"mqtt/internal/bench/header"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/seqtrack"
	"mqtt/internal/message"
)

// consumer is one subscriber's receive.Consumer: it reads the header of each message, tracks its
// sequence and records its latency, on the session's reader, allocating nothing.
type consumer struct {
	key      int
	reader   header.Reader
	anyRun   bool // a sub run not told the run id takes every run's messages
	clock    header.Clock
	streams  *seqtrack.Streams
	tally    *result.Tally
	e2e, raw *latency.Recorder
	warmEnd  *atomic.Int64 // ns: messages intended before it are the warm-up's
	delay    time.Duration
	last     int64 // ns of the last message received
	target   *target
}

// target counts what a receiver (a subscriber, or a $share group together) has received of what it
// expects, so that the wait for stragglers ends once everything is in.
type target struct {
	want uint64 // set once the publishers are done; 0: unknown
	got  atomic.Uint64
}

func (t *target) arrived() { t.got.Add(1) }

func (c *consumer) Message(m *message.Message) error {
	now := c.clock.Now()
	h, err := c.read(m.Payload)
	if err != nil {
		c.tally.Error(reason(err))
		return nil
	}
	if c.streams.Observe(int(h.Publisher), h.Seq) <= seqtrack.Reordered {
		c.target.arrived()
	}
	counted := h.Intended >= c.warmEnd.Load()
	c.tally.Message(len(m.Payload), counted)
	if counted {
		c.e2e.Record(c.key, time.Duration(now-h.Intended))
		c.raw.Record(c.key, time.Duration(now-h.Sent))
	}
	c.last = now
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	return nil
}

func (c *consumer) read(payload []byte) (header.Header, error) {
	if !c.anyRun {
		return c.reader.Read(payload)
	}
	h, err := header.Parse(payload)
	if err == nil && int(h.Publisher) >= c.reader.Publishers {
		err = header.ErrPublisher
	}
	return h, err
}

func (c *consumer) Idle() error { return nil }

// reason is the error code of a message that is not one of the run's.
func reason(err error) string {
	switch {
	case errors.Is(err, header.ErrShort):
		return "short-payload"
	case errors.Is(err, header.ErrOtherRun):
		return "other-run"
	case errors.Is(err, header.ErrPublisher):
		return "unknown-publisher"
	}
	return "foreign-payload"
}
