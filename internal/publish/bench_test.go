package publish_test

import (
	"context"
	"testing"

	"mqtt/internal/message"
	"mqtt/internal/pace"
	"mqtt/internal/publish"
	"mqtt/internal/session"
)

// discard is a session that takes every message and writes nothing: what the publisher itself costs.
type discard struct {
	session.Session
	done chan struct{}
}

func (d discard) Publish(context.Context, *message.Message) error { return nil }
func (d discard) Flush() error                                    { return nil }
func (d discard) Done() <-chan struct{}                           { return d.done }

// Publishing a message, the publisher's part of it, allocates nothing.
func TestPublishPathAllocatesNothing(t *testing.T) {
	const n = 1000
	p := publisher(n + 1)
	allocs := testing.AllocsPerRun(1, func() { p.Send(context.Background()) })
	if per := allocs / n; per >= 0.1 {
		t.Errorf("%v allocations for %d messages, want none per message (a run's set-up aside)", allocs, n)
	}
}

func BenchmarkPublisher(b *testing.B) {
	b.ReportAllocs()
	p := publisher(b.N)
	b.ResetTimer()
	p.Send(context.Background())
}

func publisher(count int) *publish.Publisher {
	return publish.New(publish.Options{
		Session: discard{done: make(chan struct{})}, Source: &publish.Repeat{Body: []byte("21.5"), Count: count},
		Pacer: pace.New(0, 0, 0, nil), Message: message.Message{Topic: "sensors/kitchen/temperature", QoS: 1},
	})
}
