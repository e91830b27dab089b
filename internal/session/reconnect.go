package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"mqtt/internal/message"
)

// Reconnect says how a session replaces a connection that drops.
type Reconnect struct {
	// MaxDelay caps the wait between attempts, which starts at half a second and doubles; 0 is 30 s.
	MaxDelay time.Duration
	// Attempts is how many tries to make before giving up; 0 is for ever.
	Attempts int
	// Notify is given a line for the user when the connection drops and when it is back; nil for none.
	Notify func(string)
}

const firstDelay = 500 * time.Millisecond

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

	life lifetime
}

type subscribeCall struct {
	subs  []Subscription
	props *message.Properties
}

func newReconnecting(opts Options, out *outbound, first Session) *reconnecting {
	r := &reconnecting{opts: opts, out: out, rc: *opts.Reconnect, cur: first, up: make(chan struct{})}
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

// Unsubscribe unsubscribes, and forgets the filters for later connections.
func (r *reconnecting) Unsubscribe(ctx context.Context, filters []string, props *message.Properties) error {
	r.mu.Lock()
	for i := range r.subs {
		r.subs[i].subs = slices.DeleteFunc(r.subs[i].subs, func(s Subscription) bool { return slices.Contains(filters, s.Filter) })
	}
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
		if errors.Is(lost, ErrTakenOver) {
			// Dialling again would take the session back, and the other client would do the same.
			r.end(lost)
			return
		}
		r.notify(fmt.Sprintf("Connection lost (%v); reconnecting.", lost))
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
		close(r.up)
		r.mu.Unlock()
		r.notify(fmt.Sprintf("Reconnected after %.1f s (%s).", time.Since(start).Seconds(), plural(attempts, "attempt")))
	}
}

// redial connects again, subscribes again if the broker did not keep the session, and resends.
func (r *reconnecting) redial() (Session, int, error) {
	delay := firstDelay
	var last error
	for attempt := 1; ; attempt++ {
		// Up to a quarter either way, so that clients cut off together do not all come back at once.
		wait := delay + time.Duration(rand.Int64N(int64(delay/2)+1)) - delay/4
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
	if err := r.out.resend(); err != nil {
		_ = s.Disconnect(context.Background(), nil)
		return nil, fmt.Errorf("sending unacknowledged messages again: %w", err)
	}
	return s, nil
}

func (r *reconnecting) notify(line string) {
	if r.rc.Notify != nil {
		r.rc.Notify(line)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
