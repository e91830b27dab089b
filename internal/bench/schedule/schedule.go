// Package schedule says when each message of a benchmark is due. The schedule is open loop: message n of a
// publisher is due at a time fixed from the start of the run, whatever happened to the messages before it, so
// a publisher that falls behind sends its backlog at once and the lateness shows as send delay and latency
// (measured from the intended time) instead of as a quietly lower rate. That is what keeps the latency figures
// free of coordinated omission.
//
// The whole run is one schedule over every publisher of every shard: publisher g of P sends every P/rate
// seconds, starting g/rate seconds after the start, so the publishers interleave into one even stream rather
// than sending in lockstep, and any subset of publishers (a shard) keeps its exact share of the rate.
package schedule

import (
	"errors"
	"fmt"
	"time"
)

// Options is the resolved schedule of a whole run, all shards together.
type Options struct {
	// Publishers is the number of publishers in the run (all shards).
	Publishers int
	// Rate is the total messages per second across all publishers. Zero with a zero Interval: unpaced, each
	// publisher sends as fast as it can and a message is due the moment it is asked for.
	Rate float64
	// Interval is the time between two messages of one publisher; an alternative to Rate.
	Interval time.Duration
	// Count is the total number of messages across all publishers (0: no limit), split as evenly as possible:
	// the first Count%Publishers publishers send one more.
	Count int64
	// Duration ends the run: no message is due at or after Start+Duration (0: no limit).
	Duration time.Duration
	// Warmup is the time from the start during which messages are sent but their samples not counted.
	Warmup time.Duration
}

// Validate reports options that cannot make a schedule.
func (o Options) Validate() error {
	switch {
	case o.Publishers < 1:
		return fmt.Errorf("publishers %d: need at least 1", o.Publishers)
	case o.Rate < 0 || o.Rate > 1e9:
		return fmt.Errorf("rate %g: want 0 (unpaced) to 1e9 messages/s", o.Rate)
	case o.Interval < 0:
		return fmt.Errorf("interval %v: must not be negative", o.Interval)
	case o.Rate > 0 && o.Interval > 0:
		return errors.New("rate and interval both set: give one")
	case o.Count < 0 || o.Duration < 0 || o.Warmup < 0:
		return errors.New("count, duration and warm-up must not be negative")
	case o.Count == 0 && o.Duration == 0:
		return errors.New("neither a count nor a duration: the run would never end")
	case o.Duration > 0 && o.Warmup >= o.Duration:
		return fmt.Errorf("warm-up %v is not shorter than the duration %v: nothing would be counted", o.Warmup, o.Duration)
	}
	return nil
}

// Paced reports whether messages have intended times of their own (a rate or an interval).
func (o Options) Paced() bool { return o.Rate > 0 || o.Interval > 0 }

// Period is the time between two messages of one publisher (0 when unpaced).
func (o Options) Period() time.Duration {
	if o.Interval > 0 {
		return o.Interval
	}
	if o.Rate > 0 {
		return time.Duration(float64(o.Publishers) * float64(time.Second) / o.Rate)
	}
	return 0
}

// TargetRate is the total messages per second the schedule asks for (0 when unpaced).
func (o Options) TargetRate() float64 {
	if o.Rate > 0 {
		return o.Rate
	}
	if o.Interval > 0 {
		return float64(o.Publishers) * float64(time.Second) / float64(o.Interval)
	}
	return 0
}

// PublisherCount is how many messages publisher g sends under Count (0: no limit).
func (o Options) PublisherCount(g int) int64 {
	if o.Count == 0 {
		return 0
	}
	n := o.Count / int64(o.Publishers)
	if int64(g) < o.Count%int64(o.Publishers) {
		n++
	}
	return n
}

// Publisher is the schedule of one publisher. It is used by that publisher's goroutine alone, allocates
// nothing, and reads no clock: the caller passes the time, so tests run it on a fake clock.
type Publisher struct {
	start    time.Time
	offset   float64 // ns after start of message 0
	period   float64 // ns between messages; 0 when unpaced
	count    int64   // 0: no limit
	end      time.Time
	hasEnd   bool
	warmEnd  time.Time
	next     int64
	paced    bool
	finished bool
}

// For returns publisher g's schedule in a run that starts at start. The start should carry a monotonic
// reading (time.Now, or a time built from it) so a change of the wall clock does not move the schedule.
func (o Options) For(g int, start time.Time) *Publisher {
	p := &Publisher{}
	o.Init(p, g, start)
	return p
}

// Init is For without the allocation, for callers that keep their publishers in a slice.
func (o Options) Init(p *Publisher, g int, start time.Time) {
	period := float64(o.Period())
	*p = Publisher{
		start:   start,
		offset:  period * float64(g) / float64(o.Publishers),
		period:  period,
		count:   o.PublisherCount(g),
		warmEnd: start.Add(o.Warmup),
		paced:   period > 0,
	}
	if o.Duration > 0 {
		p.end, p.hasEnd = start.Add(o.Duration), true
	}
	if o.Count > 0 && p.count == 0 { // more publishers than messages: this one sends none
		p.finished = true
	}
}

// Next returns the sequence number and intended send time of the next message, or ok false when the
// publisher is done. now is the current time; it is the intended time of an unpaced message, and it ends an
// unpaced run with a duration. The caller waits until intended (if it is in the future) and then sends; when
// intended is already past, the message is late and goes at once: that is the backlog.
func (p *Publisher) Next(now time.Time) (seq int64, intended time.Time, ok bool) {
	if p.finished {
		return 0, time.Time{}, false
	}
	seq = p.next
	if p.paced {
		intended = p.start.Add(time.Duration(p.offset + float64(seq)*p.period))
	} else {
		intended = now
	}
	if (p.count > 0 && seq >= p.count) || (p.hasEnd && !intended.Before(p.end)) {
		p.finished = true
		return 0, time.Time{}, false
	}
	p.next++
	return seq, intended, true
}

// Counted reports whether a message intended at t is past the warm-up, so that its samples count.
func (p *Publisher) Counted(t time.Time) bool { return !t.Before(p.warmEnd) }

// Sent is the number of messages Next has handed out.
func (p *Publisher) Sent() int64 { return p.next }

// Behind is how many messages were due by now and not yet handed out: the backlog a late publisher is
// about to send at once. It is always 0 when unpaced.
func (p *Publisher) Behind(now time.Time) int64 {
	if !p.paced || p.finished {
		return 0
	}
	elapsed := float64(now.Sub(p.start)) - p.offset
	if elapsed < 0 {
		return 0
	}
	due := int64(elapsed/p.period) + 1
	if p.count > 0 && due > p.count {
		due = p.count
	}
	if p.hasEnd {
		// Messages due before the end: those n with offset + n*period < duration.
		last := int64(0)
		if room := float64(p.end.Sub(p.start)) - p.offset; room > 0 {
			last = int64((room-1)/p.period) + 1
		}
		due = min(due, last)
	}
	return max(due-p.next, 0)
}
