package receive

import (
	"context"
	"sync"

	"mqtt/internal/message"
	"mqtt/internal/session"
)

// clearer sends --remove-retained's empty retained messages from a goroutine of its own: a QoS 1 publish
// may wait for acknowledgements, and it is the reader, which finds the retained messages, that reads
// them. Topics found before it starts (a persistent session's messages right after the CONNACK) wait
// for it.
type clearer struct {
	mu      sync.Mutex
	topics  []string
	wake    chan struct{}
	closed  bool
	started bool
	done    chan struct{}
}

func newClearer() *clearer {
	return &clearer{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (c *clearer) start(ctx context.Context, s session.Session) {
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	go func() {
		defer close(c.done)
		for {
			c.mu.Lock()
			topics, closed := c.topics, c.closed
			c.topics = nil
			c.mu.Unlock()
			for _, t := range topics {
				if s.Publish(ctx, &message.Message{Topic: t, QoS: 1, Retain: true}) != nil {
					return
				}
			}
			if s.Flush() != nil {
				return
			}
			if closed {
				return
			}
			select {
			case <-c.wake:
			case <-ctx.Done():
				return
			}
		}
	}()
}

func (c *clearer) add(topic string) {
	c.mu.Lock()
	c.topics = append(c.topics, topic)
	c.mu.Unlock()
	c.signal()
}

func (c *clearer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close returns once everything added has been handed to the session.
func (c *clearer) close() {
	c.mu.Lock()
	c.closed = true
	started := c.started
	c.mu.Unlock()
	if !started {
		return
	}
	c.signal()
	<-c.done
}
