// Package publish is the engine that publishes: a Publisher takes a session, a Source of messages, a
// pacer and a context, sends what the source gives at the pace asked, and returns a Report of what
// happened: sent, acknowledged, refused, unacknowledged, skipped, and why the run ended. `mqtt pub` and
// `mqtt rr` are thin commands over it; the benchmark and replay use it the same way.
package publish

import (
	"context"
	"errors"
	"io"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/pace"
	"mqtt/internal/session"
)

// Renderer fills in each message just before it is published, after the pacer let it go (a template
// that shows the time shows the time it was sent). n counts the messages published, from 1.
type Renderer interface {
	Render(m *message.Message, n uint64) error
}

// Options say what a Publisher does.
type Options struct {
	Session session.Session
	Source  Source
	// Pacer spaces the messages out; nil sends them as fast as the session takes them.
	Pacer *pace.Pacer
	// Message is what every message starts as: its topic (unless the source gives one), QoS, retain
	// flag and properties.
	Message message.Message
	// Render, when set, fills in each message before it is published (a Template).
	Render Renderer
	// Duration, when positive, ends the run after this long; that end is a normal one.
	Duration time.Duration
	// OnSent is told each message once Publish has taken it (m.MID set); nil for none.
	OnSent func(m *message.Message)
	// OnSkip is told each line of input that made no message; nil for none.
	OnSkip func(Skip)
	// DrainAfterStop bounds the wait for acknowledgements once ctx has ended the run: the user asked
	// to stop, and waits this long at most.
	DrainAfterStop time.Duration
	// DisconnectProps are the v5 properties of the DISCONNECT that ends the run.
	DisconnectProps *message.Properties
}

// Report is what a run did.
type Report struct {
	// Sent counts the messages handed to the session, one whose Publish failed included (it may have gone
	// out); Owed counts those of QoS 1 and 2, each owed an acknowledgement.
	Sent, Owed int
	// Acked and Refused count the acknowledgements with success and with a failure reason code;
	// LastReason is mosquitto's text for the reason of the last refusal. Set by Finish.
	Acked, Refused int
	LastReason     string
	// Skipped counts the lines of input that made no message; LastSkip is the last of them.
	Skipped  int
	LastSkip Skip
	// Err is what ended the run before the source did: the source's error (a *ReadError), a message
	// too large (a *session.TooLargeError), a template's, the session's, or ctx's. Nil when the source
	// ended or the Duration was up.
	Err error
	// Lost is why the session ended, once Finish has disconnected it: nil for a clean end.
	Lost error
}

// Unacked counts the QoS 1/2 messages sent and not acknowledged with success (refused ones included):
// none of them may pass as delivered.
func (r *Report) Unacked() int { return r.Owed - r.Acked }

// Publisher publishes the messages of one run.
type Publisher struct {
	o   Options
	m   message.Message
	n   uint64
	rep Report
}

// New returns a Publisher for one run.
func New(o Options) *Publisher { return &Publisher{o: o, m: o.Message} }

// Run publishes every message, then finishes: the whole of a `mqtt pub`.
func (p *Publisher) Run(ctx context.Context) Report {
	p.Send(ctx)
	return p.Finish(ctx)
}

// Send publishes what the source gives until it ends, the Duration is up, ctx ends or something fails,
// and reports it; the session stays connected (rr waits for a reply on it).
func (p *Publisher) Send(ctx context.Context) Report {
	run := ctx
	if p.o.Duration > 0 {
		var cancel context.CancelFunc
		run, cancel = context.WithTimeout(ctx, p.o.Duration)
		defer cancel()
	}
	err := p.loop(run)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil // the Duration is up: a normal end
	}
	p.rep.Err = err
	return p.rep
}

// errSessionEnded is the cause of the source's context when the session ended under it.
var errSessionEnded = errors.New("session ended")

func (p *Publisher) loop(ctx context.Context) error {
	if c, ok := p.o.Source.(io.Closer); ok {
		defer c.Close()
	}
	// A source that waits for input gives way to a lost connection as it does to ctx.
	srcCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	go func() {
		select {
		case <-p.o.Session.Done():
			stop(errSessionEnded)
		case <-srcCtx.Done():
		}
	}()
	var skip *Skip
	for {
		more, err := p.o.Source.Next(srcCtx, &p.m)
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &skip):
			p.rep.Skipped++
			p.rep.LastSkip = *skip
			if p.o.OnSkip != nil {
				p.o.OnSkip(*skip)
			}
			continue
		case errors.Is(err, errSessionEnded):
			return p.o.Session.Err()
		default:
			return err
		}
		if err := p.send(ctx, more); err != nil {
			return err
		}
	}
}

// send publishes p.m once the pacer allows it. more says another message is ready at once: only then,
// and only when not paced, may it wait in the session's buffer.
func (p *Publisher) send(ctx context.Context, more bool) error {
	if p.o.Pacer != nil {
		if err := p.o.Pacer.Wait(ctx); err != nil {
			return err
		}
	} else if err := ctx.Err(); err != nil {
		return err
	}
	p.n++
	if p.o.Render != nil {
		if err := p.o.Render.Render(&p.m, p.n); err != nil {
			return err
		}
	}
	if err := p.o.Session.Publish(ctx, &p.m); err != nil {
		var tl *session.TooLargeError
		if !errors.As(err, &tl) {
			p.count() // it may have gone out: counted, so that an unacknowledged one is reported
		}
		return err
	}
	p.count()
	if p.o.OnSent != nil {
		p.o.OnSent(&p.m)
	}
	if more && (p.o.Pacer == nil || !p.o.Pacer.Paced()) {
		return nil
	}
	return p.o.Session.Flush()
}

func (p *Publisher) count() {
	p.rep.Sent++
	if p.m.QoS > 0 {
		p.rep.Owed++
	}
}

// Finish waits for every acknowledgement (at most DrainAfterStop once ctx has ended), disconnects and
// reports the outcomes: what Send reported, with the acknowledgements counted and why the session ended.
func (p *Publisher) Finish(ctx context.Context) Report {
	drain := ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		drain, cancel = context.WithTimeout(context.WithoutCancel(ctx), p.o.DrainAfterStop)
		defer cancel()
	}
	s := p.o.Session
	d := s.Drain(drain)
	select {
	case <-s.Done():
	default:
		_ = s.Disconnect(context.WithoutCancel(ctx), p.o.DisconnectProps)
	}
	p.rep.Acked, p.rep.Refused, p.rep.LastReason = d.Acked, d.Refused, d.LastReason
	p.rep.Lost = s.Err()
	return p.rep
}
