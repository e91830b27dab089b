// Package receive is the engine that receives: a Receiver subscribes a session, applies the filters of
// `mqtt sub` (-T, -R, --retained-only, --remove-retained, -C, -W, -E, --random-filter) and hands each
// message it keeps to a Consumer: a Printer for sub and rr, anything else for watch or a benchmark.
//
// It runs on the session's reader (it is the session's OnMessage and OnIdle), so that a message is
// handled while its bytes are still in the read buffer: no copy, no hand-off, no allocation.
package receive

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/topic"
	"mqtt/internal/wire"
)

// Consumer takes the messages a Receiver keeps, on the session's reader.
type Consumer interface {
	// Message handles m, valid only during the call. An error ends receiving with it; ErrStop ends
	// it without one.
	Message(m *message.Message) error
	// Idle is called when the reader has delivered all it has, and when receiving ends: the moment
	// to flush.
	Idle() error
}

var (
	// ErrStop, returned by a Consumer, ends receiving as a normal end: the reader of the output went
	// away (`mqtt sub | head -1`).
	ErrStop = errors.New("receiving stopped")
	// ErrTimeout is the Deadline passing before receiving ended (-W).
	ErrTimeout = errors.New("timed out")
	// ErrAllDenied is a SUBACK that refused every filter.
	ErrAllDenied = errors.New("every subscription was refused")
)

// AllKept is Options.RandomFilter keeping every message.
const AllKept = 10000

// Options say what a Receiver subscribes to, which messages it keeps and when it ends.
type Options struct {
	Subscriptions  []session.Subscription
	SubscribeProps *message.Properties
	// Unsubscribe are filters to unsubscribe from right after subscribing, one UNSUBSCRIBE each.
	Unsubscribe      []string
	UnsubscribeProps *message.Properties
	// DisconnectProps are the v5 properties of the DISCONNECT at the end.
	DisconnectProps *message.Properties

	FilterOut    []string // topics matching any of these are dropped (-T)
	SkipRetained bool     // retained messages are dropped (-R)
	// RetainedOnly keeps retained messages and ends at the first one that is not.
	RetainedOnly bool
	// RemoveRetained clears each retained message kept (by -R and -T), publishing an empty retained
	// message to its topic at QoS 1.
	RemoveRetained bool
	// Filter, when set, keeps only the messages it returns true for: a stage of the caller's between
	// the filters above and the consumer (rr's correlation, a decoder's filter).
	Filter func(*message.Message) bool
	// RandomFilter is the share of messages handed on, in hundredths of a percent (AllKept, or 0, for
	// all); a message dropped at random still counts towards Count, as mosquitto_sub counts it.
	RandomFilter int
	// Count, when positive, ends receiving after this many messages.
	Count int
	// Deadline, when set, ends connecting, subscribing and receiving with ErrTimeout.
	Deadline time.Time
	// ExitAfterSubscribe ends at the SUBACK: the retained messages right behind it are not handed on.
	ExitAfterSubscribe bool

	Consumer Consumer
}

// Receiver receives for one run.
type Receiver struct {
	o     Options
	clear *clearer

	mu    sync.Mutex
	kept  int // towards Count
	over  bool
	ended chan error // why receiving ended, when a message decided it
}

// New returns a Receiver; connect its Message and Idle as the session's OnMessage and OnIdle.
func New(o Options) *Receiver {
	if o.RandomFilter <= 0 {
		o.RandomFilter = AllKept
	}
	r := &Receiver{o: o, ended: make(chan error, 1), over: o.ExitAfterSubscribe}
	if o.RemoveRetained {
		r.clear = newClearer()
	}
	return r
}

// Message is the session's OnMessage.
func (r *Receiver) Message(m *message.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return
	}
	o := &r.o
	if o.RetainedOnly && !m.Retain {
		r.end(nil)
		return
	}
	if !r.keeps(m) {
		return
	}
	// Only what -R and -T let through is cleared, as mosquitto_sub does.
	if r.clear != nil && m.Retain && len(m.Payload) > 0 {
		r.clear.add(m.Topic)
	}
	if o.Filter != nil && !o.Filter(m) {
		return
	}
	if o.RandomFilter < AllKept && rand.IntN(AllKept) >= o.RandomFilter {
		r.counted()
		return
	}
	if err := o.Consumer.Message(m); err != nil {
		r.end(err)
		return
	}
	r.counted()
}

// keeps applies -R and -T.
func (r *Receiver) keeps(m *message.Message) bool {
	if r.o.SkipRetained && m.Retain {
		return false
	}
	for _, f := range r.o.FilterOut {
		if topic.Match(f, m.Topic) {
			return false
		}
	}
	return true
}

func (r *Receiver) counted() {
	r.kept++
	if r.o.Count > 0 && r.kept >= r.o.Count {
		r.end(nil)
	}
}

// Idle is the session's OnIdle: the consumer flushes.
func (r *Receiver) Idle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.over {
		if err := r.o.Consumer.Idle(); err != nil {
			r.end(err)
		}
	}
}

// end stops receiving and says why, with r.mu held.
func (r *Receiver) end(err error) {
	r.over = true
	if err == nil {
		err = r.o.Consumer.Idle()
	}
	r.ended <- quiet(err)
}

// quiet is err, but nil for a consumer's ErrStop.
func quiet(err error) error {
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

// Run is the whole of a `mqtt sub` once connected: subscribe, receive until the messages, the Deadline,
// the session or ctx end it (ctx's end is a normal one), then disconnect. What was received before the
// connection was lost is handed on before the session's error is returned.
func (r *Receiver) Run(ctx context.Context, s session.Session) error {
	defer r.Close(ctx, s)
	if err := r.Subscribe(ctx, s); err != nil {
		return err
	}
	if r.o.ExitAfterSubscribe {
		return nil
	}
	if err := r.Wait(ctx, s); err != nil || ctx.Err() == nil {
		return err
	}
	return r.finish(nil)
}

// Subscribe starts clearing (--remove-retained), then subscribes, and unsubscribes from
// Options.Unsubscribe right behind the SUBSCRIBE, as mosquitto_sub sends them. Without Subscriptions it
// only unsubscribes, waiting for each UNSUBACK.
func (r *Receiver) Subscribe(ctx context.Context, s session.Session) error {
	if r.clear != nil {
		r.clear.start(ctx, s)
	}
	setup, cancel := r.bounded(ctx)
	defer cancel()
	var granted []byte
	var err error
	switch {
	case len(r.o.Subscriptions) == 0:
		// Only -U (mosquitto 2.1): a persistent session's subscriptions are dropped, one UNSUBSCRIBE each.
		for _, f := range r.o.Unsubscribe {
			if err = s.Unsubscribe(setup, []string{f}, r.o.UnsubscribeProps); err != nil {
				break
			}
		}
	case len(r.o.Unsubscribe) > 0:
		granted, err = s.SubscribeThenUnsubscribe(setup, r.o.Subscriptions, r.o.SubscribeProps, r.o.Unsubscribe, r.o.UnsubscribeProps)
	default:
		granted, err = s.Subscribe(setup, r.o.Subscriptions, r.o.SubscribeProps)
	}
	if err == nil {
		err = allDenied(granted)
	}
	return r.timedOut(setup, err)
}

// bounded is ctx, ending at the Deadline too.
func (r *Receiver) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.o.Deadline.IsZero() {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, r.o.Deadline)
}

// timedOut is err, or ErrTimeout when the Deadline caused it.
func (r *Receiver) timedOut(ctx context.Context, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTimeout
	}
	return err
}

// allDenied is ErrAllDenied for a SUBACK that refused every filter.
func allDenied(granted []byte) error {
	for _, g := range granted {
		if !wire.Failed(g) {
			return nil
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return ErrAllDenied
}

// Wait receives until the messages end it (nil, or the consumer's error), the Deadline passes
// (ErrTimeout), the session ends (its error, once what came before it is handed on) or ctx ends (nil).
func (r *Receiver) Wait(ctx context.Context, s session.Session) error {
	var deadline <-chan time.Time
	if !r.o.Deadline.IsZero() {
		t := time.NewTimer(time.Until(r.o.Deadline))
		defer t.Stop()
		deadline = t.C
	}
	select {
	case err := <-r.ended:
		return err
	case <-deadline:
		return r.finish(ErrTimeout)
	case <-s.Done():
		if err := r.finish(nil); err != nil {
			return err
		}
		return s.Err()
	case <-ctx.Done():
		return nil
	}
}

// finish stops receiving for a reason of the caller's, err, flushing the consumer: its error wins.
func (r *Receiver) finish(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return err
	}
	r.over = true
	if ferr := quiet(r.o.Consumer.Idle()); ferr != nil {
		return ferr
	}
	return err
}

// Close stops receiving, lets the clearing publishes out, and disconnects: what was published goes out
// before the DISCONNECT (at most 10 s, and not after ctx ends).
func (r *Receiver) Close(ctx context.Context, s session.Session) {
	_ = r.finish(nil)
	if r.clear != nil {
		r.clear.close()
	}
	drain, cancel := context.WithTimeout(ctx, 10*time.Second)
	s.Drain(drain)
	cancel()
	_ = s.Disconnect(context.WithoutCancel(ctx), r.o.DisconnectProps)
}
