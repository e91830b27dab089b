package cmd

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"sync"

	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/session"
)

// receiver is what `mqtt sub` does with a message. It runs on the session's reader, so a message is printed
// while its bytes are still in the read buffer, with no copy and no hand-off, and output is flushed when the
// reader has nothing more: a terminal sees each message at once, a pipe gets full buffers.
type receiver struct {
	o      *subOptions
	errOut io.Writer
	clear  *clearer

	mu      sync.Mutex
	out     *bufio.Writer
	buf     []byte
	printed int
	over    bool
	// flushEach writes each message at once (under -d, whose lines are not buffered).
	flushEach bool
	// ended receives why receiving is over when a message decides it: nil for -C reached or the end of
	// --retained-only, else an output error.
	ended chan error
}

func newReceiver(o *subOptions, streams *iostreams.IOStreams) *receiver {
	return &receiver{
		o: o, errOut: messageErrOut(o.conn, streams), out: bufio.NewWriterSize(streams.Out, 64<<10),
		ended: make(chan error, 1),
		// -E ends at the SUBACK: the retained messages right behind it are not printed, as mosquitto_sub.
		over: o.ExitAfterSubscribe,
	}
}

func (r *receiver) message(m *message.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return
	}
	o := r.o
	if o.RetainedOnly && !m.Retain {
		r.end(nil)
		return
	}
	if !o.shouldHandle(m) {
		return
	}
	// Only what -R and -T let through is cleared, at QoS 1 as mosquitto_sub does.
	if o.RemoveRetained && m.Retain && len(m.Payload) > 0 {
		r.clear.add(m.Topic)
	}
	if o.RandomFilter < 10000 && rand.IntN(10000) >= o.RandomFilter {
		r.printed++ // mosquitto_sub counts a message it drops at random towards -C
		if o.Count > 0 && r.printed >= o.Count {
			r.end(nil)
		}
		return
	}
	r.buf = printMessage(o.Format, r.buf[:0], m, r.errOut)
	if _, err := r.out.Write(r.buf); err != nil {
		r.end(err)
		return
	}
	r.printed++
	if o.Count > 0 && r.printed >= o.Count {
		r.end(nil)
		return
	}
	if r.flushEach {
		if err := r.out.Flush(); err != nil {
			r.end(err)
		}
	}
}

// idle flushes: the reader has delivered all it has.
func (r *receiver) idle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.over {
		if err := r.out.Flush(); err != nil {
			r.end(err)
		}
	}
}

// end stops printing and reports why, with r.mu held.
func (r *receiver) end(err error) {
	r.over = true
	if err == nil {
		err = r.out.Flush()
	}
	r.ended <- writeError(err)
}

// finish stops printing when the command ends for a reason of its own; it returns an output error.
func (r *receiver) finish() error {
	return r.finishWith(nil)
}

// finishWith is finish for a command that ends with err unless the output failed.
func (r *receiver) finishWith(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return err
	}
	r.over = true
	if ferr := writeError(r.out.Flush()); ferr != nil {
		return ferr
	}
	return err
}

// clearer sends --remove-retained's empty retained messages from a goroutine of its own: a QoS 1 publish
// may wait for acknowledgements, and it is the reader, which finds the retained messages, that reads them.
type clearer struct {
	mu     sync.Mutex
	topics []string
	wake   chan struct{}
	closed bool
	done   chan struct{}
}

func startClearer(ctx context.Context, s session.Session) *clearer {
	c := &clearer{wake: make(chan struct{}, 1), done: make(chan struct{})}
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
	return c
}

func (c *clearer) add(topic string) {
	c.mu.Lock()
	c.topics = append(c.topics, topic)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close returns once everything added has been handed to the session.
func (c *clearer) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.done
}

// messageErrOut is where a message's output problems (%J, %f) are said: nowhere with --quiet, as mosquitto's
// err_printf.
func messageErrOut(conn *connOptions, streams *iostreams.IOStreams) io.Writer {
	if conn.Quiet {
		return io.Discard
	}
	return streams.ErrOut
}
