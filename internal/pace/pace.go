// Package pace spaces out the messages `mqtt pub` sends: a rate (`--rate 100/s`), a delay between messages
// (`--repeat-delay`) and random jitter on that delay. The schedule is open loop: the n-th message is due at
// a time fixed from the start, so a slow publish does not slow the rate down, and a stall is not made up
// for with a burst.
package pace

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// catchUp is how far behind its schedule a pacer sends what is due at once, rather than starting the
// schedule again.
const catchUp = 100 * time.Millisecond

// Pacer says when each message may go.
type Pacer struct {
	interval time.Duration // from the rate; 0 for none
	delay    time.Duration
	jitter   time.Duration
	rnd      *rand.Rand
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	due      time.Time // when the next message may go; zero before the first
}

// New returns a Pacer. rate is messages per second (0: unlimited); delay is the least time between two
// messages, made longer or shorter by up to jitter at random.
func New(rate float64, delay, jitter time.Duration, rnd *rand.Rand) *Pacer {
	p := &Pacer{delay: delay, jitter: jitter, rnd: rnd, now: time.Now, sleep: sleep}
	if rate > 0 {
		p.interval = time.Duration(float64(time.Second) / rate)
	}
	return p
}

// Paced reports whether Wait ever waits.
func (p *Pacer) Paced() bool { return p.interval > 0 || p.delay > 0 || p.jitter > 0 }

// Wait returns when the next message may go, or with ctx's error.
func (p *Pacer) Wait(ctx context.Context) error {
	now := p.now()
	if p.due.IsZero() { // the first message goes at once
		p.due = now
		return nil
	}
	gap := p.interval
	if d := p.jittered(); d > gap {
		gap = d
	}
	p.due = p.due.Add(gap)
	// Behind schedule by more than catchUp (a stall, a slow broker): start again from now rather than
	// sending what was missed in a burst. Less than that is caught up: a timer wakes late by tens of
	// microseconds and more under load, which at 5000/s is a gap, and starting again from each late
	// wake-up made --rate 5000/s send 1676/s.
	if p.due.Before(now.Add(-max(gap, catchUp))) {
		p.due = now
	}
	if wait := p.due.Sub(now); wait > 0 {
		return p.sleep(ctx, wait)
	}
	return ctx.Err()
}

func (p *Pacer) jittered() time.Duration {
	d := p.delay
	if p.jitter > 0 {
		d += time.Duration(p.rnd.Int64N(int64(2*p.jitter)+1)) - p.jitter
	}
	return max(d, 0)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ParseRate reads a rate: "100/s", "90/m", "2/h", "0.5/s", or a plain number per second.
func ParseRate(s string) (float64, error) {
	num, unit, found := strings.Cut(strings.TrimSpace(s), "/")
	per := 1.0
	if found {
		switch unit {
		case "s", "sec", "second":
		case "m", "min", "minute":
			per = 60
		case "h", "hour":
			per = 3600
		default:
			return 0, fmt.Errorf("rate %q: the unit after / must be s, m or h", s)
		}
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 || n > 1e9 {
		return 0, fmt.Errorf("rate %q: want a positive number of messages, like 100/s or 5/m", s)
	}
	return n / per, nil
}

// ParseDuration reads seconds ("5", "0.25") as mosquitto's --repeat-delay does, or a Go duration ("1m30s",
// "250ms").
func ParseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 1e9 {
			return 0, fmt.Errorf("%q: want a number of seconds from 0", s)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want seconds (2.5) or a duration (1m30s)", s)
	}
	return d, nil
}
