package session

import (
	"context"
	"errors"
	"sync"
)

type settleKind int

const (
	settleAcked settleKind = iota
	settleRefused
	settleLost
)

// errConnectionLost is returned when a publish waits for room in the window and the connection ends.
var errConnectionLost = errors.New("connection lost")

// window bounds the QoS 1/2 publishes awaiting acknowledgement and counts how each ended. Neither library
// caps what is in flight (paho.mqtt.golang fails at 65,535; paho.golang only honours the broker's Receive
// Maximum), and pipelining within a window is what makes `pub -l -q 1` fast without losing messages.
type window struct {
	slots chan struct{}
	kick  chan struct{}
	// finished is closed by the goroutine that reads acknowledgements when it stops, so that a drain
	// after a lost connection counts every acknowledgement that did arrive.
	finished chan struct{}

	finishOnce sync.Once

	mu     sync.Mutex
	report DeliveryReport
	lost   int
}

func newWindow(size int) *window {
	return &window{slots: make(chan struct{}, size), kick: make(chan struct{}, 1), finished: make(chan struct{})}
}

// acquire takes a slot for one publish, waiting while the window is full.
func (w *window) acquire(ctx context.Context, done <-chan struct{}) error {
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
		return errConnectionLost
	}
	w.mu.Lock()
	w.report.Sent++
	w.mu.Unlock()
	return nil
}

// tryAcquire takes a slot if one is free.
func (w *window) tryAcquire() bool {
	select {
	case w.slots <- struct{}{}:
	default:
		return false
	}
	w.mu.Lock()
	w.report.Sent++
	w.mu.Unlock()
	return true
}

// release gives back a slot whose publish never left.
func (w *window) release() {
	w.mu.Lock()
	w.report.Sent--
	w.mu.Unlock()
	<-w.slots
	w.signal()
}

func (w *window) settle(k settleKind, reason string) {
	w.mu.Lock()
	switch k {
	case settleAcked:
		w.report.Acked++
	case settleRefused:
		w.report.Refused++
		w.report.LastReason = reason
	default:
		w.lost++
	}
	w.mu.Unlock()
	<-w.slots
	w.signal()
}

func (w *window) signal() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *window) outstanding() (DeliveryReport, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.report
	return r, r.Sent - r.Acked - r.Refused - w.lost
}

// drain waits until nothing is outstanding, the connection ends or ctx ends.
func (w *window) drain(ctx context.Context, done <-chan struct{}) DeliveryReport {
	for {
		r, n := w.outstanding()
		if n == 0 {
			return r
		}
		select {
		case <-w.kick:
		case <-ctx.Done():
			return r
		case <-done:
			select {
			case <-w.finished:
			case <-ctx.Done():
			}
			r, _ = w.outstanding()
			return r
		}
	}
}

// finish is called once by the acknowledgement reader when it stops.
func (w *window) finish() { close(w.finished) }
