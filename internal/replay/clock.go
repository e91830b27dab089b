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

// Go's timers on Linux wait in epoll_wait, whose timeout is whole milliseconds: a timer fires up to a
// millisecond late (golang/go#53824), the whole of a replay's budget. So RealClock waits on a timer only
// until timerMargin before the due time, then in nanosleep(2), whose high-resolution timer wakes within
// the kernel's timer slack (50 µs), then yields in a loop for the last Spin.
const timerMargin = 2 * time.Millisecond

// DefaultSpin is RealClock's Spin for a replay: enough to take in the timer slack.
const DefaultSpin = 100 * time.Microsecond

// RealClock is the system's monotonic clock.
type RealClock struct {
	// Spin is how long before the due time a sleep stops and yields in a loop instead, for accuracy past
	// the kernel's timer slack at the cost of that much CPU time per wait; 0 only sleeps.
	Spin time.Duration
}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps until t: on a timer (which ctx can end) while t is far, then in nanosleep, then
// yielding for the last Spin.
func (c RealClock) SleepUntil(ctx context.Context, t time.Time) error {
	if d := time.Until(t) - timerMargin; d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
	for d := time.Until(t) - c.Spin; d > 0; d = time.Until(t) - c.Spin {
		preciseSleep(d)
	}
	for time.Now().Before(t) {
		runtime.Gosched()
	}
	return ctx.Err()
}
