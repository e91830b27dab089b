package benchrun

import (
	"context"
	"io"
	"time"

	"mqtt/internal/bench/header"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/schedule"
	"mqtt/internal/bench/template"
	"mqtt/internal/message"
)

// source is one publisher's publish.Source: it hands out the schedule's messages at their intended
// times, each payload the run's filler under a fresh header. It allocates nothing per message unless
// the topic has %s in it.
type source struct {
	g       int // the publisher's index in the whole run
	run     uint64
	sched   schedule.Publisher
	wait    schedule.Waiter
	paced   bool
	clock   header.Clock
	payload []byte
	topic   template.Client
	topicB  []byte
	tally   *result.Tally
	delay   *latency.Recorder
	counted bool // the last message handed out is past the warm-up
	last    time.Time
}

func (s *source) Next(ctx context.Context, m *message.Message) (bool, error) {
	seq, intended, ok := s.sched.Next(time.Now())
	if !ok {
		return false, io.EOF
	}
	if s.paced {
		if err := s.wait.Until(ctx, intended); err != nil {
			return false, err
		}
	} else if err := ctx.Err(); err != nil {
		return false, err
	}
	now := time.Now()
	header.Put(s.payload, header.Header{Run: s.run, Publisher: uint32(s.g), Seq: uint64(seq),
		Intended: s.clock.Ns(intended), Sent: s.clock.Ns(now)})
	m.Payload = s.payload
	if !s.topic.Static() {
		s.topicB = s.topic.Append(s.topicB[:0], uint64(seq))
		m.Topic = string(s.topicB)
	}
	s.counted = s.sched.Counted(intended)
	if s.counted && s.paced {
		s.delay.Record(s.g, now.Sub(intended))
	}
	s.last = now
	// A backlog goes out in one write; so does an unpaced stream, whose buffer is written as it fills.
	return !s.paced || s.sched.Behind(now) > 0, nil
}

// sent is the publisher's OnSent: the message was taken by the session.
func (s *source) sent(m *message.Message) { s.tally.Message(len(m.Payload), s.counted) }
