package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/payload"
	"mqtt/internal/session"
	"mqtt/internal/topic"
)

type pubMode int

const (
	modeNone    pubMode = iota
	modeMessage         // -m
	modeFile            // -f
	modeStdin           // -s
	modeLines           // -l
	modeNull            // -n
)

// pubOptions are `mqtt pub`'s flags after parsing.
type pubOptions struct {
	conn        *connOptions
	Topic       string
	Mode        pubMode
	Message     []byte
	File        string
	QoS         byte
	Retain      bool
	Repeat      int
	RepeatDelay time.Duration
}

func pubCommand(streams *iostreams.IOStreams) *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Usage: "topic to publish to"},
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "send `MESSAGE` as the payload"},
		&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "send the contents of `FILE` as the payload"},
		&cli.BoolFlag{Name: "stdin-file", Aliases: []string{"s"}, Usage: "send all of stdin as one message"},
		&cli.BoolFlag{Name: "stdin-line", Aliases: []string{"l"}, Usage: "send each line of stdin as a message"},
		&cli.BoolFlag{Name: "null-message", Aliases: []string{"n"}, Usage: "send a zero-length message"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "quality of service: 0, 1 or 2"},
		&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}, Usage: "retain the message"},
		&cli.StringFlag{Name: "repeat", Value: "1", Usage: "publish the message `N` times"},
		&cli.StringFlag{Name: "repeat-delay", Value: "0", Usage: "seconds between repeats (fractions allowed)"},
		&cli.StringFlag{Name: "max-inflight", Aliases: []string{"M"}, Usage: "QoS 1/2 messages awaiting acknowledgement at once (default 1000)"},
	}, connFlags("311")...)
	return &cli.Command{
		Name:      "pub",
		Usage:     "publish messages (mosquitto_pub)",
		UsageText: "mqtt pub [-h host] [-p port] -t topic {-m message | -f file | -s | -l | -n} [options]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			opts, err := parsePub(c, streams)
			if err != nil {
				return err
			}
			if err := askPassword(c.Context, opts.conn, streams); err != nil {
				return err
			}
			return quiet(opts.conn, runPub(c.Context, opts, streams))
		},
	}
}

func parsePub(c *cli.Context, streams *iostreams.IOStreams) (*pubOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	conn, err := parseConn(c, systemConnEnv(streams))
	if err != nil {
		return nil, err
	}
	o := &pubOptions{conn: conn, Retain: c.Bool("retain")}
	var perr *problem
	if perr = o.parsePayload(c); perr != nil {
		return nil, perr
	}
	o.Topic = c.String("topic")
	if conn.URLTopic != nil && !c.IsSet("topic") {
		o.Topic = *conn.URLTopic
	}
	if !c.IsSet("topic") && conn.URLTopic == nil || o.Mode == modeNone {
		return nil, usageErr(errPubTopicAndMessage)
	}
	if topic.ValidatePublish(o.Topic) != nil {
		return nil, usageErr(errPubTopic, o.Topic)
	}
	if o.Repeat, err = strconv.Atoi(c.String("repeat")); err != nil || o.Repeat < 1 {
		return nil, usageErr(errPubRepeat)
	}
	d, err := strconv.ParseFloat(c.String("repeat-delay"), 64)
	if err != nil || d < 0 {
		return nil, usageErr(errPubRepeatDelay)
	}
	o.RepeatDelay = time.Duration(d * float64(time.Second))
	if c.IsSet("max-inflight") {
		m, err := strconv.Atoi(c.String("max-inflight"))
		if err != nil || m < 1 {
			return nil, usageErr(errPubMaxInflight)
		}
		conn.Session.MaxInflight = min(m, 65535)
	}
	return o, nil
}

// parsePayload reads the flags that say what to send (-m, -f, -s, -l, -n; rr has no -l) and -q.
func (o *pubOptions) parsePayload(c *cli.Context) *problem {
	modes := 0
	for _, m := range []struct {
		mode pubMode
		on   bool
	}{
		{modeMessage, c.IsSet("message")}, {modeFile, c.IsSet("file")}, {modeStdin, c.Bool("stdin-file")},
		{modeLines, c.Bool("stdin-line")}, {modeNull, c.Bool("null-message")},
	} {
		if m.on {
			o.Mode = m.mode
			modes++
		}
	}
	if modes > 1 {
		return usageErr(errPubOneMode)
	}
	o.Message, o.File = []byte(c.String("message")), c.String("file")
	var perr *problem
	o.QoS, perr = parseQoS(c.String("qos"))
	return perr
}

func runPub(ctx context.Context, o *pubOptions, streams *iostreams.IOStreams) error {
	body, err := readBody(o, streams)
	if err != nil {
		return err
	}
	if o.Mode == modeStdin && len(body) == 0 {
		return &problem{id: errZeroInput} // as mosquitto_pub: an empty -s is almost always a mistake
	}
	s, err := connect(ctx, o.conn, streams)
	if err != nil {
		return err
	}
	m := &message.Message{Topic: o.Topic, QoS: o.QoS, Retain: o.Retain, Props: o.conn.Props.Publish}
	var tried int
	if o.Mode == modeLines {
		tried, err = publishLines(ctx, s, m, streams.In)
	} else {
		m.Payload = body
		tried, err = publishRepeated(ctx, s, m, o.Repeat, o.RepeatDelay)
	}
	if o.QoS == 0 {
		tried = 0 // nothing to acknowledge
	}
	return finish(ctx, s, o.conn, tried, err)
}

// publishLines publishes each line of r and returns how many it tried to publish. Lines are read on a
// goroutine of their own, so that a lost connection or a signal ends the run even while the input is
// quiet (`tail -f | mqtt pub -l`).
func publishLines(ctx context.Context, s session.Session, m *message.Message, r io.Reader) (int, error) {
	lines, readErr, quit := readLines(r)
	defer close(quit)
	for n := 0; ; n++ {
		select {
		case line, ok := <-lines:
			if !ok {
				return n, <-readErr
			}
			m.Payload = line
			if err := s.Publish(ctx, m); err != nil {
				return n + 1, err
			}
		case <-s.Done():
			return n, s.Err()
		case <-ctx.Done():
			return n, nil
		}
	}
}

// readLines sends each line of r, copied, until r ends or quit is closed; then the read error (nil at
// end of input) is sent on the second channel.
func readLines(r io.Reader) (<-chan []byte, <-chan error, chan struct{}) {
	lines, errc, quit := make(chan []byte, 256), make(chan error, 1), make(chan struct{})
	go func() {
		defer close(lines)
		lr := payload.NewLineReader(r)
		for {
			line, err := lr.Next()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				} else {
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

// publishRepeated publishes m n times and returns how many it tried to publish.
func publishRepeated(ctx context.Context, s session.Session, m *message.Message, n int, delay time.Duration) (int, error) {
	for i := 0; i < n; i++ {
		if i > 0 && delay > 0 {
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return i, nil
			}
		}
		if err := s.Publish(ctx, m); err != nil {
			return i + 1, err
		}
	}
	return n, nil
}

// finish waits for every acknowledgement, disconnects, and turns what was not acknowledged into an
// error: a QoS 1/2 message the broker did not confirm must never pass as delivered.
func finish(ctx context.Context, s session.Session, conn *connOptions, tried int, pubErr error) error {
	r := s.Drain(ctx)
	select {
	case <-s.Done():
	default:
		_ = s.Disconnect(context.WithoutCancel(ctx), conn.Props.Disconnect)
	}
	lost := s.Err()
	if unacked := tried - r.Acked; unacked > 0 {
		why := ""
		switch {
		case r.LastReason != "":
			why = " (last reason: " + r.LastReason + ")"
		case lost != nil:
			why = " (" + lost.Error() + ")"
		case ctx.Err() != nil:
			why = " (interrupted)"
		}
		return &problem{id: errUnacked, args: []any{unacked, tried, why}}
	}
	if pubErr != nil {
		return pubErr
	}
	return lost
}

// connect opens the session, turning a refused CONNACK into mosquitto's message and exit code.
func connect(ctx context.Context, conn *connOptions, streams *iostreams.IOStreams) (session.Session, error) {
	opts := conn.Session
	if conn.Debug {
		opts.Debug = streams.ErrOut
		if conn.DebugToStdout {
			opts.Debug = streams.Out
		}
	}
	s, err := session.Connect(ctx, opts)
	var ce *session.ConnectError
	if errors.As(err, &ce) {
		return nil, &exitError{code: int(ce.Code), msg: fmt.Sprintf(mqttText[errConnectRefused], ce.Error()), connack: true}
	}
	return s, err
}

// quiet drops the message of an error when --quiet is given; the exit code stays.
func quiet(conn *connOptions, err error) error {
	if err == nil || !conn.Quiet {
		return err
	}
	var e *exitError
	if errors.As(err, &e) {
		return &exitError{code: e.code}
	}
	return &exitError{code: 1}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
