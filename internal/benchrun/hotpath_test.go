package benchrun

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"mqtt/internal/bench/header"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/schedule"
	"mqtt/internal/bench/seqtrack"
	"mqtt/internal/bench/template"
	"mqtt/internal/message"
)

func newSource(tb testing.TB) *source {
	tb.Helper()
	payload, err := header.Payload(100, 1)
	if err != nil {
		tb.Fatal(err)
	}
	topic, _ := template.Parse("bench/%i", template.Index)
	s := &source{run: 1, clock: header.NewClock(time.Now()), payload: payload, topic: topic.For(0, "p"),
		tally: &result.Tally{}, delay: latency.NewRecorder(1)}
	schedule.Options{Publishers: 1}.Init(&s.sched, 0, time.Now())
	return s
}

func newConsumer() *consumer {
	c := &consumer{reader: header.Reader{Run: 1, Publishers: 1}, clock: header.NewClock(time.Now()),
		streams: seqtrack.NewStreams(seqtrack.Options{Publishers: 1, Expect: seqtrack.Expect{All: true}}),
		tally:   &result.Tally{}, e2e: latency.NewRecorder(1), raw: latency.NewRecorder(1), target: &target{}}
	c.warmEnd = new(atomic.Int64)
	return c
}

// Publishing and receiving a message through the bench's Source and Consumer allocate nothing: at a
// million messages a second, an allocation each would be the tool's bottleneck, not the broker.
func TestHotPathsAllocateNothing(t *testing.T) {
	s, c := newSource(t), newConsumer()
	var m message.Message
	ctx := context.Background()
	if n := testing.AllocsPerRun(1000, func() {
		if _, err := s.Next(ctx, &m); err != nil {
			t.Fatal(err)
		}
		s.sent(&m)
		_ = c.Message(&m)
	}); n != 0 {
		t.Fatalf("%.1f allocations per message", n)
	}
	if got := c.streams.Counts(); got.Distinct != 1001 || got.Duplicates != 0 {
		t.Fatalf("counts %+v: each message once", got)
	}
}

func BenchmarkSourceNext(b *testing.B) {
	s := newSource(b)
	var m message.Message
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = s.Next(ctx, &m)
		s.sent(&m)
	}
}

func BenchmarkConsumerMessage(b *testing.B) {
	s, c := newSource(b), newConsumer()
	var m message.Message
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		_, _ = s.Next(ctx, &m)
		b.StartTimer()
		_ = c.Message(&m)
	}
}
