package replay

import (
	"context"
	"errors"
	"io"
	"math"
	"time"

	"mqtt/internal/message"
)

// Publish sends one message. m is reused once publish returns (as session.Publish allows); its payload
// and properties are never changed, so publish may keep those until an acknowledgement.
type Publish func(ctx context.Context, m *message.Message) error

// Options say how a recording is published again.
type Options struct {
	// Speed divides the recorded gaps: 1 keeps them, 10 plays ten times as fast, 0 publishes as fast as
	// publish returns.
	Speed float64
	// Loop starts again after the last message, until ctx ends. The first message of a pass is due with the
	// latest of the pass before: the recording holds no gap between its end and its start.
	Loop bool
	// Rewrite moves topics; nil keeps them.
	Rewrite *Rewrite
	// Filter keeps a message when it returns true; nil keeps every one. It sees the message as recorded,
	// before Rewrite.
	Filter func(*message.Message) bool
	// Flush, when set, is called before each wait and at the end, so that what publish buffers leaves
	// before the pause rather than with the next message.
	Flush func(ctx context.Context) error
	// Clock is the clock kept to; nil means RealClock.
	Clock Clock
	// MaxRecord bounds one record in bytes; 0 means DefaultMaxRecord.
	MaxRecord int
}

// Result is what a replay did.
type Result struct {
	Published int // messages publish accepted
	Filtered  int // messages Filter left out
	Passes    int // passes through the recording begun
	// MaxLate is the most a message was handed to publish after its due time: a slow publish or a
	// saturated machine, never an accumulated drift.
	MaxLate time.Duration
}

// ErrSpeed is a speed below 0, infinite or not a number.
var ErrSpeed = errors.New("speed must be a number from 0")

// Replay reads the recording from r and publishes each message it keeps at its due time: start + (t_i -
// t_0)/Speed, where t_0 is the first recorded time. A record without a time is due with the one before it.
// A record that does not parse ends the replay with a *LineError, after the records before it were
// published. With Loop, a seekable r (a file) is read again for each pass; anything else (a pipe) is kept
// in memory from the first pass.
func Replay(ctx context.Context, r io.Reader, publish Publish, o Options) (Result, error) {
	if o.Speed < 0 || math.IsNaN(o.Speed) || math.IsInf(o.Speed, 0) {
		return Result{}, ErrSpeed
	}
	p := &player{o: o, publish: publish, clock: o.Clock}
	if p.clock == nil {
		p.clock = RealClock{Spin: DefaultSpin}
	}
	if err := o.Rewrite.check(); err != nil {
		return Result{}, err
	}
	seeker, origin := seekable(r)
	var kept []Record // the first pass, when r cannot be read again
	for {
		p.res.Passes++
		before := p.res.Published
		var err error
		switch {
		case p.res.Passes == 1 || seeker != nil:
			if p.res.Passes > 1 {
				if _, err := seeker.Seek(origin, io.SeekStart); err != nil {
					return p.res, err
				}
			}
			keep := o.Loop && seeker == nil
			err = p.playReader(ctx, NewReader(r, o.MaxRecord), keep, &kept)
		default:
			err = p.playKept(ctx, kept)
		}
		if err == nil && o.Flush != nil {
			err = o.Flush(ctx)
		}
		if err != nil {
			return p.res, err
		}
		// A pass that published nothing would be followed by others publishing nothing, at full speed.
		if !o.Loop || p.res.Published == before {
			return p.res, nil
		}
		p.nextPass()
	}
}

func seekable(r io.Reader) (io.Seeker, int64) {
	s, ok := r.(io.Seeker)
	if !ok {
		return nil, 0
	}
	at, err := s.Seek(0, io.SeekCurrent) // fails on a pipe, even one behind an *os.File
	if err != nil {
		return nil, 0
	}
	return s, at
}

// player keeps a replay's schedule.
type player struct {
	o       Options
	publish Publish
	clock   Clock
	start   time.Time     // when the first record was read: t_0 is due then
	t0      time.Time     // the first recorded time; zero until a record has one
	off     time.Duration // the current record's time since t0
	span    time.Duration // the latest offset of this pass
	base    time.Duration // recorded time of the passes before this one
	res     Result
	out     message.Message
}

func (p *player) playReader(ctx context.Context, rd *Reader, keep bool, kept *[]Record) error {
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if keep {
			*kept = append(*kept, rec)
		}
		if err := p.play(ctx, &rec); err != nil {
			return err
		}
	}
}

func (p *player) playKept(ctx context.Context, kept []Record) error {
	for i := range kept {
		if err := p.play(ctx, &kept[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *player) nextPass() {
	p.base += p.span
	p.span, p.off = 0, 0
}

func (p *player) play(ctx context.Context, rec *Record) error {
	if p.start.IsZero() {
		p.start = p.clock.Now()
	}
	if !rec.Time.IsZero() {
		if p.t0.IsZero() {
			p.t0 = rec.Time
		}
		p.off = rec.Time.Sub(p.t0)
		p.span = max(p.span, p.off)
	}
	if p.o.Filter != nil && !p.o.Filter(&rec.Message) {
		p.res.Filtered++
		return nil
	}
	if p.o.Speed > 0 {
		due := p.start.Add(p.scale(p.base + p.off))
		if err := p.wait(ctx, due); err != nil {
			return err
		}
	} else if err := ctx.Err(); err != nil {
		return err
	}
	p.out = outgoing(&rec.Message)
	if p.o.Rewrite.Active() {
		p.out.Topic = p.o.Rewrite.Topic(p.out.Topic)
	}
	if err := p.publish(ctx, &p.out); err != nil {
		return err
	}
	p.res.Published++
	return nil
}

func (p *player) wait(ctx context.Context, due time.Time) error {
	now := p.clock.Now()
	if due.After(now) {
		if p.o.Flush != nil {
			if err := p.o.Flush(ctx); err != nil {
				return err
			}
		}
		if err := p.clock.SleepUntil(ctx, due); err != nil {
			return err
		}
		now = p.clock.Now()
	}
	p.res.MaxLate = max(p.res.MaxLate, now.Sub(due))
	return ctx.Err()
}

// scale divides a recorded duration by the speed; at speed 1 it is exact.
func (p *player) scale(d time.Duration) time.Duration {
	if p.o.Speed == 1 {
		return d
	}
	return time.Duration(float64(d) / p.o.Speed)
}

// outgoing is the recorded message as it is sent: subscription identifiers and a topic alias belong to the
// connection it arrived on, and a client may not send the former at all (MQTT 5, 3.3.4-6).
func outgoing(m *message.Message) message.Message {
	out := message.Message{Topic: m.Topic, Payload: m.Payload, QoS: m.QoS, Retain: m.Retain, Props: m.Props}
	if pr := m.Props; pr != nil && (pr.SubscriptionIDs != nil || pr.TopicAlias != nil) {
		c := *pr
		c.SubscriptionIDs, c.TopicAlias = nil, nil
		out.Props = &c
	}
	return out
}
