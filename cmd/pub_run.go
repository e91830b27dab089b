package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/pace"
	"mqtt/internal/payload"
	"mqtt/internal/publish"
	"mqtt/internal/session"
	"mqtt/internal/wire"
)

// drainAfterSignal bounds the wait for acknowledgements once SIGINT or SIGTERM has stopped a run; a
// second signal ends the process at once.
const drainAfterSignal = 5 * time.Second

func runPub(ctx context.Context, o *pubOptions, streams *iostreams.IOStreams) error {
	if o.Replay != nil {
		return runReplay(ctx, o, streams)
	}
	body, err := o.readBody(streams.In)
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
		if err := templateErr(ctx, o.tmpl.CompilePayload(name, body), false); err != nil {
			return err
		}
	}
	if o.checkEncode != nil && o.tmpl == nil && o.Mode != modeLines {
		if err := o.checkEncode(o.Topic, body); err != nil {
			return err
		}
	}
	if o.WarnRefused {
		warnRefused(&o.conn.Session, streams.ErrOut)
	}
	s, err := connect(ctx, o.conn, streams)
	if err != nil {
		return err
	}
	p := o.publishOptions(s, o.source(body, streams.In), streams)
	p.Pacer = pace.New(o.Rate, o.RepeatDelay, o.Jitter, o.rnd)
	if o.tmpl != nil {
		p.Render = o.tmpl
	}
	if o.enc != nil {
		e := &publish.Encoding{Encode: o.enc.Encode}
		if o.tmpl != nil {
			e.Then = o.tmpl
		}
		p.Render = e
	}
	return o.outcome(ctx, publish.New(p).Run(ctx))
}

// runReplay is runPub for --replay: the recording is the source, and its clock the pacer.
func runReplay(ctx context.Context, o *pubOptions, streams *iostreams.IOStreams) error {
	rec, err := o.Replay.open(streams)
	if err != nil {
		return err
	}
	defer rec.Close()
	s, err := connect(ctx, o.conn, streams)
	if err != nil {
		return err
	}
	r := publish.New(o.publishOptions(s, o.Replay.source(ctx, rec, o.conn.Props.Publish), streams)).Run(ctx)
	r.Err = o.Replay.replayError(r.Err)
	o.Replay.warnFiltered(streams)
	return o.outcome(ctx, r)
}

// publishOptions are what every run of pub asks of the publisher.
func (o *pubOptions) publishOptions(s session.Session, src publish.Source, streams *iostreams.IOStreams) publish.Options {
	p := publish.Options{
		Session: s, Source: src,
		Message:  message.Message{Topic: o.Topic, QoS: o.QoS, Retain: o.Retain, Props: o.conn.Props.Publish},
		Duration: o.Duration, DrainAfterStop: drainAfterSignal, DisconnectProps: o.conn.Props.Disconnect,
		OnSkip: func(s publish.Skip) {
			fmt.Fprintln(streams.ErrOut, label(streams, fmt.Sprintf("Warning: line %d not published: %s.", s.Line, o.skipWhy(s))))
		},
	}
	if o.Echo {
		p.OnSent = echo(streams)
	}
	return p
}

// warnRefused prints mosquitto_pub's warning for each publish the broker refuses, as its
// acknowledgement is read.
func warnRefused(opts *session.Options, errOut io.Writer) {
	next := opts.OnAck
	opts.OnAck = func(a session.Ack) {
		if a.Refused {
			fmt.Fprintf(errOut, "Warning: Publish %d failed: %s.\n", a.MID, wire.ReasonText(a.Reason))
		}
		if next != nil {
			next(a)
		}
	}
}

// source is where the messages of the run come from.
func (o *pubOptions) source(body []byte, stdin io.Reader) publish.Source {
	switch o.Mode {
	case modeLines:
		return publish.NewLines(stdin, o.LineTopic)
	case modeSize:
		return &publish.Random{Size: o.Size, Count: o.Repeat, Rand: o.rnd}
	}
	return &publish.Repeat{Body: body, Count: o.Repeat}
}

// echo is -v on a terminal: a line for each message sent.
func echo(streams *iostreams.IOStreams) func(*message.Message) {
	pretty := format.NewPretty(format.PrettyOptions{Color: streams.ColorOut, Width: streams.OutWidth})
	var buf []byte
	return func(m *message.Message) {
		buf = pretty.AppendSent(buf[:0], m, time.Now())
		_, _ = streams.Out.Write(buf) // a terminal: a failed echo is no reason to stop publishing
	}
}

// skipWhy says why a --line-topic line was not published.
func (o *pubOptions) skipWhy(s publish.Skip) string {
	if s.Reason == publish.BadTopic {
		return fmt.Sprintf("%q is not a topic to publish to", s.Topic)
	}
	return fmt.Sprintf("no %q between topic and payload", o.LineTopic)
}

// outcome turns the report of a run into mqtt's words and exit code: a QoS 1/2 message the broker did
// not confirm never passes as delivered. After SIGINT or SIGTERM the exit code is 130 or 143, with what
// was not acknowledged said.
func (o *pubOptions) outcome(ctx context.Context, r publish.Report) error {
	pubErr := pubError(r.Err)
	if pubErr == nil && r.Skipped > 0 {
		last := fmt.Sprintf("last: line %d, %s", r.LastSkip.Line, o.skipWhy(r.LastSkip))
		pubErr = &problem{id: errLinesSkipped, args: []any{r.Skipped, r.Skipped + r.Sent, last}}
	}
	sig, interrupted := signalled(ctx)
	var pe *session.ProtocolError
	if errors.As(r.Lost, &pe) && !interrupted {
		return r.Lost // the broker broke the protocol: that is the news, whatever was acknowledged
	}
	unacked := r.Unacked()
	if o.WarnRefused {
		unacked -= r.Refused // each was warned of as it came, as mosquitto_pub does
	}
	var err error
	if unacked > 0 {
		why := ""
		switch {
		case r.LastReason != "" && !o.WarnRefused:
			why = " (last reason: " + r.LastReason + ")"
		case r.Lost != nil:
			why = " (" + errorText(r.Lost) + ")"
		case interrupted:
			why = " (interrupted by " + sig.Signal.String() + ")"
		case ctx.Err() != nil:
			why = " (interrupted)"
		}
		err = &problem{id: errUnacked, args: []any{unacked, r.Owed, why}}
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
	return r.Lost
}

// pubError words what ended a run early, where the engine reports it as data.
func pubError(err error) error {
	var re *publish.ReadError
	var le *publish.LineError
	var tl *payload.TooLargeError
	var ee *publish.EncodeError
	switch {
	case errors.As(err, &ee):
		return encodeErr(ee)
	case errors.As(err, &re) && errors.As(re.Err, &tl):
		return &problem{id: errPubLineTooLarge}
	case errors.As(err, &re):
		return fmt.Errorf("reading stdin: %w", re.Err)
	case errors.As(err, &le):
		return &problem{id: errPubOption, args: []any{le.Err.Error() + "."}}
	}
	return err
}

// newRand is the source of --template's random functions and --size's bytes: seeded by --seed for a
// repeatable run, else at random.
func newRand(seed *uint64) *rand.Rand {
	if seed != nil {
		return rand.New(rand.NewPCG(*seed, 0))
	}
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}
