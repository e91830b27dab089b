package benchrun

import (
	"context"
	"sync"
	"time"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/schedule"
	"mqtt/internal/session"
)

// gate spaces connection attempts out to the connect rate, across every goroutine that dials: each
// attempt takes the next slot of one open-loop timetable, so a slow CONNACK does not slow the rest.
type gate struct {
	mu     sync.Mutex
	next   time.Time
	period time.Duration
}

func newGate(rate float64) *gate {
	g := &gate{}
	if rate > 0 {
		g.period = time.Duration(float64(time.Second) / rate)
	}
	return g
}

// wait returns at the caller's slot, or early with ctx's error.
func (g *gate) wait(ctx context.Context) error {
	if g.period == 0 {
		return ctx.Err()
	}
	g.mu.Lock()
	now := time.Now()
	if g.next.Before(now) {
		g.next = now
	}
	slot := g.next
	g.next = g.next.Add(g.period)
	g.mu.Unlock()
	var w schedule.Waiter
	defer w.Stop()
	return w.Until(ctx, slot)
}

// dialer connects sessions at the connect rate and records how long each took.
type dialer struct {
	gate    *gate
	connect *latency.Recorder
}

func (d *dialer) dial(ctx context.Context, key int, o session.Options) (session.Session, error) {
	if err := d.gate.wait(ctx); err != nil {
		return nil, err
	}
	began := time.Now()
	s, err := session.Connect(ctx, o)
	if err == nil {
		d.connect.Record(key, time.Since(began))
	}
	return s, err
}

// each runs f for 0..n-1 on at most workers goroutines and returns the first error.
func each(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				if err := f(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
