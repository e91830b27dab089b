package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"time"

	"mqtt/internal/message"
)

// Reconnect says how a session replaces a connection that drops.
type Reconnect struct {
	// MaxDelay caps the wait between attempts, which starts at half a second and doubles; 0 is 30 s.
	MaxDelay time.Duration
	// Attempts is how many tries to make before giving up; 0 is for ever.
	Attempts int
}

const firstDelay = 500 * time.Millisecond

// Drops that look like a client-id clash: this many connections in a row, each closed by the broker
// within quickDrop of its CONNACK.
const (
	quickDrop  = 2 * time.Second
	quickDrops = 3
)

// reconnecting is a Session that outlives its connections. When one drops it dials again with
// exponential backoff and jitter, subscribes again unless the broker kept the session, and sends every
// unacknowledged QoS 1/2 message again (outbound keeps them), so a broker restart loses nothing that
// was promised. Publish waits while there is no connection.
type reconnecting struct {
	opts Options
	out  *outbound
	rc   Reconnect
	ctx  context.Context // ends the redialling when the session is closed
	stop context.CancelFunc

	mu      sync.Mutex
	cur     Session
	up      chan struct{} // closed while a connection is up
	subs    []subscribeCall
	stopped bool
	// since is when the current connection was accepted; quick counts connections in a row dropped
	// soon after that, and warned is set once SameIDSuspected has been told.
	since  time.Time
	quick  int
	warned bool

	life lifetime
}

type subscribeCall struct {
	subs  []Subscription
	props *message.Properties
}

func newReconnecting(opts Options, out *outbound, first Session) *reconnecting {
	r := &reconnecting{opts: opts, out: out, rc: *opts.Reconnect, cur: first, up: make(chan struct{}), since: time.Now()}
	if r.rc.MaxDelay <= 0 {
		r.rc.MaxDelay = 30 * time.Second
	}
	close(r.up)
	r.life.init()
	r.ctx, r.stop = context.WithCancel(context.Background())
	go r.watch()
	return r
}

// current waits for a connection.
func (r *reconnecting) current(ctx context.Context) (Session, error) {
	r.mu.Lock()
	cur, up := r.cur, r.up
	r.mu.Unlock()
	select {
	case <-up:
		return cur, nil
	default:
	}
	select {
	case <-up:
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.cur, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.life.done:
		return nil, r.life.wrap(errConnectionLost)
	}
}

// Publish hands m to the connection, waiting for one. A message that was being written when the
// connection dropped is not an error: at QoS 1 and 2 it goes again on the next connection, and QoS 0
// promises at most once.
func (r *reconnecting) Publish(ctx context.Context, m *message.Message) error {
	if _, err := r.current(ctx); err != nil {
		return err
	}
	return r.forgiven(ctx, r.out.publish(ctx, m, r.life.done))
}

func (r *reconnecting) Flush() error { return r.forgiven(context.Background(), r.out.flush()) }

// forgiven drops an error that only says the connection was lost, while it is being replaced.
func (r *reconnecting) forgiven(ctx context.Context, err error) error {
	var tl *TooLargeError
	if err == nil || errors.As(err, &tl) || ctx.Err() != nil {
		return err
	}
	select {
	case <-r.life.done:
		return r.life.wrap(err)
	default:
		return nil
	}
}

func (r *reconnecting) Drain(ctx context.Context) DeliveryReport {
	_ = r.out.flush()
	return r.out.window.drain(ctx, r.life.done)
}

// Subscribe subscribes on the current connection and remembers the call, to make it again on a new
// connection that did not keep the session.
func (r *reconnecting) Subscribe(ctx context.Context, subs []Subscription, props *message.Properties) ([]byte, error) {
	cur, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	granted, err := cur.Subscribe(ctx, subs, props)
	if err == nil {
		r.mu.Lock()
		r.subs = append(r.subs, subscribeCall{subs: slices.Clone(subs), props: props})
		r.mu.Unlock()
	}
	return granted, err
}

// SubscribeThenUnsubscribe is Subscribe and Unsubscribe in one go, remembered as they are.
func (r *reconnecting) SubscribeThenUnsubscribe(ctx context.Context, subs []Subscription, props *message.Properties, unsubs []string, uprops *message.Properties) ([]byte, error) {
	cur, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	granted, err := cur.SubscribeThenUnsubscribe(ctx, subs, props, unsubs, uprops)
	if err == nil {
		r.mu.Lock()
		r.subs = append(r.subs, subscribeCall{subs: slices.Clone(subs), props: props})
		r.forgetLocked(unsubs)
		r.mu.Unlock()
	}
	return granted, err
}

// forgetLocked drops filters from the subscriptions to make again.
func (r *reconnecting) forgetLocked(filters []string) {
	for i := range r.subs {
		r.subs[i].subs = slices.DeleteFunc(r.subs[i].subs, func(s Subscription) bool { return slices.Contains(filters, s.Filter) })
	}
}

// Unsubscribe unsubscribes, and forgets the filters for later connections.
func (r *reconnecting) Unsubscribe(ctx context.Context, filters []string, props *message.Properties) error {
	r.mu.Lock()
	r.forgetLocked(filters)
	r.mu.Unlock()
	cur, err := r.current(ctx)
	if err != nil {
		return err
	}
	return cur.Unsubscribe(ctx, filters, props)
}

func (r *reconnecting) Disconnect(ctx context.Context, props *message.Properties) error {
	r.mu.Lock()
	r.stopped = true
	cur := r.cur
	r.mu.Unlock()
	r.stop()
	err := cur.Disconnect(ctx, props)
	r.end(nil)
	return err
}

func (r *reconnecting) Done() <-chan struct{} { return r.life.done }
func (r *reconnecting) Err() error            { return r.life.error() }

func (r *reconnecting) Server() ServerInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.Server()
}

// end closes the session for good: drains stop waiting for acknowledgements that cannot come.
func (r *reconnecting) end(err error) {
	if err == nil {
		r.life.closing()
	}
	r.life.lost(err)
	if w := r.out.window; w != nil {
		w.finishOnce.Do(w.finish)
	}
}

// watch replaces each connection that drops, until the session is closed or redialling gives up.
func (r *reconnecting) watch() {
	for {
		r.mu.Lock()
		cur := r.cur
		r.mu.Unlock()
		<-cur.Done()
		r.mu.Lock()
		if r.stopped {
			r.mu.Unlock()
			return
		}
		r.up = make(chan struct{})
		r.mu.Unlock()
		lost := cur.Err()
		if lost == nil {
			lost = errConnectionLost
		}
		var pe *ProtocolError
		if errors.Is(lost, ErrTakenOver) || errors.As(lost, &pe) {
			// Dialling again would take the session back, and the other client would do the same; a broker
			// that broke the protocol would do it again.
			r.end(lost)
			return
		}
		r.notify(ConnectionLost{Err: lost})
		r.noteDrop(lost)
		start := time.Now()
		next, attempts, err := r.redial()
		if err != nil {
			if r.ctx.Err() == nil {
				r.end(err)
			}
			return
		}
		r.mu.Lock()
		if r.stopped {
			r.mu.Unlock()
			_ = next.Disconnect(context.Background(), nil)
			return
		}
		r.cur = next
		r.since = time.Now()
		close(r.up)
		r.mu.Unlock()
		r.notify(Reconnected{After: time.Since(start), Attempts: attempts})
	}
}

// noteDrop counts a connection the broker closed soon after accepting it, and tells SameIDSuspected
// once enough come in a row on MQTT 3.1 or 3.1.1.
func (r *reconnecting) noteDrop(lost error) {
	r.mu.Lock()
	quick := r.opts.Version != V5 && time.Since(r.since) < quickDrop && closedByBroker(lost)
	if quick {
		r.quick++
	} else {
		r.quick = 0
	}
	tell := r.quick >= quickDrops && !r.warned
	r.warned = r.warned || tell
	n := r.quick
	id := r.cur.Server().ClientID
	r.mu.Unlock()
	if tell {
		r.notify(SameIDSuspected{ClientID: id, Drops: n})
	}
}

// closedByBroker says the connection ended with the broker hanging up, as it does on a takeover, rather
// than with a stall or an error of ours.
func closedByBroker(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, errConnectionLost)
}

// redial connects again, subscribes again if the broker did not keep the session, and resends.
func (r *reconnecting) redial() (Session, int, error) {
	delay := firstDelay
	var last error
	for attempt := 1; ; attempt++ {
		// Up to a quarter either way, so that clients cut off together do not all come back at once.
		wait := delay + time.Duration(rand.Int64N(int64(delay/2)+1)) - delay/4
		r.notify(Reconnecting{Attempt: attempt, Delay: wait})
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return nil, attempt, r.ctx.Err()
		}
		s, err := r.attempt()
		if err == nil {
			return s, attempt, nil
		}
		var pe *ProtocolError
		if errors.As(err, &pe) {
			return nil, attempt, err // not to be retried: the broker would break the protocol again
		}
		last = err
		if r.rc.Attempts > 0 && attempt >= r.rc.Attempts {
			return nil, attempt, fmt.Errorf("gave up reconnecting after %s: %w", plural(attempt, "attempt"), last)
		}
		delay = min(2*delay, r.rc.MaxDelay)
	}
}

func (r *reconnecting) attempt() (Session, error) {
	s, err := connectOnce(r.ctx, r.opts, r.out)
	if err != nil {
		return nil, err
	}
	if !s.Server().SessionPresent {
		r.mu.Lock()
		calls := slices.Clone(r.subs)
		r.mu.Unlock()
		for _, c := range calls {
			if len(c.subs) == 0 {
				continue
			}
			if _, err := s.Subscribe(r.ctx, c.subs, c.props); err != nil {
				_ = s.Disconnect(context.Background(), nil)
				return nil, fmt.Errorf("subscribing again: %w", err)
			}
		}
	}
	if err := r.out.resend(s.Server().SessionPresent); err != nil {
		_ = s.Disconnect(context.Background(), nil)
		return nil, fmt.Errorf("sending unacknowledged messages again: %w", err)
	}
	return s, nil
}

func (r *reconnecting) notify(e Event) {
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(e)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
