package replay

import (
	"context"
	"runtime"
	"time"
)

// Clock is the time a replay keeps to; tests give a fake one.
type Clock interface {
	Now() time.Time
	// SleepUntil returns once Now has reached t, or with ctx's error.
	SleepUntil(ctx context.Context, t time.Time) error
}

// DefaultSpin is how long before a due time RealClock stops sleeping and starts watching the clock. Go's
// timers on Linux wait in epoll_wait, whose timeout is whole milliseconds: a timer fires up to a
// millisecond late (golang/go#53824), which is the whole of a replay's budget.
const DefaultSpin = 1500 * time.Microsecond

// RealClock is the system's monotonic clock.
type RealClock struct {
	// Spin is how long before the due time a sleep stops waiting on a timer and yields in a loop instead,
	// for sub-millisecond accuracy at the cost of that much CPU time per wait; 0 only sleeps.
	Spin time.Duration
}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps on a timer until Spin before t, then yields until t.
func (c RealClock) SleepUntil(ctx context.Context, t time.Time) error {
	if d := time.Until(t) - c.Spin; d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
	for time.Now().Before(t) {
		if err := ctx.Err(); err != nil {
			return err
		}
		runtime.Gosched()
	}
	return ctx.Err()
}
