package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"mqtt/format"
	"mqtt/internal/gen"
	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/pace"
	"mqtt/internal/payload"
	"mqtt/internal/session"
	"mqtt/internal/topic"
)

// drainAfterSignal bounds the wait for acknowledgements once SIGINT or SIGTERM has stopped a run; a
// second signal ends the process at once.
const drainAfterSignal = 5 * time.Second

func runPub(ctx context.Context, o *pubOptions, streams *iostreams.IOStreams) error {
	body, err := readBody(o, streams)
	if err != nil {
		return err
	}
	if o.Mode == modeStdin && len(body) == 0 {
		return &problem{id: errZeroInput} // as mosquitto_pub: an empty -s is almost always a mistake
	}
	if o.tmpl != nil && (o.Mode == modeFile || o.Mode == modeStdin) {
		name := "-s"
		if o.Mode == modeFile {
			name = "-f " + o.File
		}
		if err := templateErr(ctx, o.tmpl.compilePayload(name, body), false); err != nil {
			return err
		}
	}
	s, err := connect(ctx, o.conn, streams)
	if err != nil {
		return err
	}
	run := ctx
	if o.Duration > 0 {
		var cancel context.CancelFunc
		run, cancel = context.WithTimeout(ctx, o.Duration)
		defer cancel()
	}
	p := &publisher{
		s: s, o: o, errOut: streams.ErrOut, streams: streams, rnd: o.rnd, tmpl: o.tmpl, lineSep: []byte(o.LineTopic),
		m: message.Message{Topic: o.Topic, QoS: o.QoS, Retain: o.Retain, Props: o.conn.Props.Publish},
	}
	p.pacer = pace.New(o.Rate, o.RepeatDelay, o.Jitter, p.rnd)
	if o.Echo {
		p.echo = format.NewPretty(format.PrettyOptions{Color: streams.ColorOut, Width: streams.OutWidth})
	}
	if o.Mode == modeLines {
		err = p.lines(run, streams.In)
	} else {
		err = p.repeat(run, body)
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil // --duration is up: a normal end
	}
	tried := p.sent
	if o.QoS == 0 {
		tried = 0 // nothing to acknowledge
	}
	if err == nil && p.skipped > 0 {
		err = &problem{id: errLinesSkipped, args: []any{p.skipped, p.skipped + p.sent, p.skipWhy}}
	}
	return finish(ctx, s, o.conn, tried, err)
}

// publisher sends what `mqtt pub` was asked to, paced, and counts it.
type publisher struct {
	s       session.Session
	o       *pubOptions
	errOut  io.Writer
	streams *iostreams.IOStreams
	pacer   *pace.Pacer
	rnd     *rand.Rand
	tmpl    *templates // nil without --template
	m       message.Message
	n       uint64 // the number of the message being sent, from 1
	lineSep []byte // --line-topic's separator
	sent    int    // handed to the session
	// skipped counts --line-topic lines without a usable topic; skipWhy says why for the last one.
	skipped int
	skipWhy string
	echo    *format.Pretty // -v on a terminal
	echoBuf []byte
}

// send publishes p.m, after the pacer allows it. more says another message is ready at once: only then
// may it wait in the session's buffer.
func (p *publisher) send(ctx context.Context, more bool) error {
	if err := p.pacer.Wait(ctx); err != nil {
		return err
	}
	p.n++
	if p.tmpl != nil {
		if err := p.tmpl.render(&p.m, p.n, p.o.conn.Props.Publish); err != nil {
			return err
		}
	}
	if err := p.s.Publish(ctx, &p.m); err != nil {
		var tl *session.TooLargeError
		if !errors.As(err, &tl) {
			p.sent++ // it may have gone out: count it, so that an unacknowledged one is reported
		}
		return err
	}
	p.sent++
	if p.echo != nil {
		p.echoBuf = p.echo.AppendSent(p.echoBuf[:0], &p.m, time.Now())
		_, _ = p.streams.Out.Write(p.echoBuf) // a terminal: a failed echo is no reason to stop publishing
	}
	if more && !p.pacer.Paced() {
		return nil
	}
	return p.s.Flush()
}

// repeat publishes body --repeat times (for ever for 0), a fresh random payload each time for --size.
func (p *publisher) repeat(ctx context.Context, body []byte) error {
	for n := 1; p.o.Repeat == 0 || n <= p.o.Repeat; n++ {
		if p.o.Mode == modeSize {
			body = gen.AppendRandomBytes(body[:0], p.rnd, p.o.Size)
		}
		p.m.Payload = body
		if err := p.send(ctx, p.o.Repeat == 0 || n < p.o.Repeat); err != nil {
			return err
		}
	}
	return nil
}

// lines publishes each line of r. Lines are read on a goroutine of their own, so that a lost connection
// or a signal ends the run even while the input is quiet (`tail -f | mqtt pub -l`).
func (p *publisher) lines(ctx context.Context, r io.Reader) error {
	lines, readErr, quit := readLines(r)
	defer close(quit)
	for n := 1; ; n++ {
		var line []byte
		var ok bool
		select {
		case line, ok = <-lines:
			if !ok {
				return <-readErr
			}
		case <-p.s.Done():
			return p.s.Err()
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		p.m.Payload = line
		if p.o.LineTopic != "" && !p.lineTopic(n, line) {
			continue
		}
		// Many lines waiting go out in one write; a line from `tail -f` goes out at once.
		if err := p.send(ctx, len(lines) > 0); err != nil {
			return err
		}
	}
}

// lineTopic splits a --line-topic line into p.m's topic and payload; a line without a usable topic is
// reported and skipped, and counted so that the run cannot end as if it had been sent.
func (p *publisher) lineTopic(n int, line []byte) bool {
	t, payload, found := bytes.Cut(line, p.lineSep)
	why := ""
	switch {
	case !found:
		why = fmt.Sprintf("no %q between topic and payload", p.o.LineTopic)
	case topic.ValidatePublish(string(t)) != nil:
		why = fmt.Sprintf("%q is not a topic to publish to", t)
	}
	if why != "" {
		fmt.Fprintln(p.errOut, label(p.streams, fmt.Sprintf("Warning: line %d not published: %s.", n, why)))
		p.skipped++
		p.skipWhy = "last: line " + fmt.Sprint(n) + ", " + why
		return false
	}
	if string(t) != p.m.Topic {
		p.m.Topic = string(t)
	}
	p.m.Payload = payload
	return true
}

// readLines sends each line of r, copied, until r ends or quit is closed; then the read error (nil at
// end of input) is sent on the second channel.
func readLines(r io.Reader) (<-chan []byte, <-chan error, chan struct{}) {
	lines, errc, quit := make(chan []byte, 256), make(chan error, 1), make(chan struct{})
	go func() {
		defer close(lines)
		lr := payload.NewLineReader(r, maxPayload)
		for {
			line, err := lr.Next()
			if err != nil {
				var tl *payload.TooLargeError
				switch {
				case errors.Is(err, io.EOF):
					err = nil
				case errors.As(err, &tl):
					err = &problem{id: errPubLineTooLarge}
				default:
					err = fmt.Errorf("reading stdin: %w", err)
				}
				errc <- err
				return
			}
			select {
			// A copy: the reader reuses its buffer, and the session may hold the payload until written.
			case lines <- append([]byte(nil), line...):
			case <-quit:
				return
			}
		}
	}()
	return lines, errc, quit
}

// finish waits for every acknowledgement, disconnects, and turns what was not acknowledged into an
// error: a QoS 1/2 message the broker did not confirm must never pass as delivered. After SIGINT or
// SIGTERM it waits a bounded time and exits with 130 or 143, saying what was not acknowledged.
func finish(ctx context.Context, s session.Session, conn *connOptions, tried int, pubErr error) error {
	drain := ctx
	sig, interrupted := signalled(ctx)
	if interrupted {
		var cancel context.CancelFunc
		drain, cancel = context.WithTimeout(context.WithoutCancel(ctx), drainAfterSignal)
		defer cancel()
	}
	r := s.Drain(drain)
	select {
	case <-s.Done():
	default:
		_ = s.Disconnect(context.WithoutCancel(ctx), conn.Props.Disconnect)
	}
	lost := s.Err()
	var pe *session.ProtocolError
	if errors.As(lost, &pe) && !interrupted {
		return lost // the broker broke the protocol: that is the news, whatever was acknowledged
	}
	var err error
	if unacked := tried - r.Acked; unacked > 0 {
		why := ""
		switch {
		case r.LastReason != "":
			why = " (last reason: " + r.LastReason + ")"
		case lost != nil:
			why = " (" + lost.Error() + ")"
		case interrupted:
			why = " (interrupted by " + sig.Signal.String() + ")"
		case ctx.Err() != nil:
			why = " (interrupted)"
		}
		err = &problem{id: errUnacked, args: []any{unacked, tried, why}}
	}
	if interrupted {
		msg := ""
		if err != nil {
			msg = "Error: " + err.Error()
		}
		return &exitError{code: sig.ExitCode(), msg: msg}
	}
	if err != nil {
		return err
	}
	if pubErr != nil && !errors.Is(pubErr, context.Canceled) {
		return pubErr
	}
	return lost
}

// newRand is the source of --template's random functions and --size's bytes: seeded by --seed for a
// repeatable run, else at random.
func newRand(seed *uint64) *rand.Rand {
	if seed != nil {
		return rand.New(rand.NewPCG(*seed, 0))
	}
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}
