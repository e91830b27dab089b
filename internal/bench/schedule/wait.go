package schedule

import (
	"context"
	"time"
)

// Waiter sleeps until a message's intended time with one reused timer, so pacing allocates nothing per
// message. A Waiter belongs to one goroutine.
type Waiter struct {
	timer *time.Timer
}

// Until returns at t, at once when t is not in the future, or early with ctx's error.
func (w *Waiter) Until(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d) // since Go 1.23 Reset leaves no stale tick to drain
	}
	select {
	case <-w.timer.C:
		return nil
	case <-ctx.Done():
		w.timer.Stop()
		return ctx.Err()
	}
}

// Stop releases the timer.
func (w *Waiter) Stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}
