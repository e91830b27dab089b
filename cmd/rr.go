package cmd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/payload"
	"mqtt/internal/session"
)

// rrOptions are `mqtt rr`'s flags after parsing.
type rrOptions struct {
	pub           *pubOptions
	ResponseTopic string
	Format        format.Printer
	Correlate     bool
	Timeout       time.Duration
}

func rrCommand(streams *iostreams.IOStreams) *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Usage: "topic to send the request to"},
		&cli.StringFlag{Name: "response-topic", Aliases: []string{"e"}, Usage: "topic the reply comes back on"},
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "send `MESSAGE` as the request"},
		&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "send the contents of `FILE` as the request"},
		&cli.BoolFlag{Name: "stdin-file", Aliases: []string{"s"}, Usage: "send all of stdin as the request"},
		&cli.BoolFlag{Name: "null-message", Aliases: []string{"n"}, Usage: "send a zero-length request"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "quality of service of request and subscription"},
		&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}, Usage: "retain the request"},
		&cli.BoolFlag{Name: "correlate", Usage: "v5: send random correlation data and ignore replies that do not echo it"},
	}, outputFlags()...)
	flags = append(flags, connFlags("5")...)
	return &cli.Command{
		Name:      "rr",
		Usage:     "send a request and print the reply (mosquitto_rr)",
		UsageText: "mqtt rr [-h host] [-p port] -t topic -e response-topic {-m message | -f file | -s | -n} [options]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			opts, err := parseRR(c, streams)
			if err != nil {
				return err
			}
			if err := askPassword(c.Context, opts.pub.conn, streams); err != nil {
				return err
			}
			return quiet(opts.pub.conn, runRR(c.Context, opts, streams))
		},
	}
}

func parseRR(c *cli.Context, streams *iostreams.IOStreams) (*rrOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	conn, err := parseConn(c, systemConnEnv(streams))
	if err != nil {
		return nil, err
	}
	conn.receiveMaximum(1) // as mosquitto_rr: one reply is all it prints
	p := &pubOptions{conn: conn, Retain: c.Bool("retain"), Topic: c.String("topic"), Repeat: 1}
	if perr := p.parsePayload(c); perr != nil {
		return nil, perr
	}
	var perr *problem
	option := "-t"
	if conn.URLTopic != nil && !isSet(c, "topic") {
		p.Topic, option = *conn.URLTopic, "-L topic"
	}
	o := &rrOptions{pub: p, ResponseTopic: c.String("response-topic"), Correlate: c.Bool("correlate")}
	if p.Topic == "" || o.ResponseTopic == "" || p.Mode == modeNone {
		return nil, usageErr(errRRTopics)
	}
	if perr = checkTopic(p.Topic, false, option, errPubTopic); perr != nil {
		return nil, perr
	}
	if perr = checkTopic(o.ResponseTopic, false, "-e", errRRResponseTopic); perr != nil {
		return nil, perr
	}
	if o.Correlate && conn.Session.Version != session.V5 {
		return nil, usageErr(errRRCorrelate)
	}
	if o.Timeout, perr = parseTimeout(c); perr != nil {
		return nil, perr
	}
	if o.Format, perr = parseFormat(c, streams); perr != nil {
		return nil, perr
	}
	return o, nil
}

func runRR(ctx context.Context, o *rrOptions, streams *iostreams.IOStreams) error {
	body, err := readBody(o.pub, streams)
	if err != nil {
		return err
	}
	deadline := deadlineOf(o.Timeout)
	msgs := make(chan *message.Message, 16)
	setup, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	s, stop, err := connectReceiving(setup, o.pub.conn, streams, msgs)
	if err != nil {
		return timedOut(setup, err)
	}
	defer stop()
	sub := session.Subscription{Filter: o.ResponseTopic, QoS: o.pub.QoS}
	if err := subscribe(setup, s, []session.Subscription{sub}, o.pub.conn.Props.Subscribe); err != nil {
		return timedOut(setup, err)
	}
	req := &message.Message{Topic: o.pub.Topic, Payload: body, QoS: o.pub.QoS, Retain: o.pub.Retain}
	req.Props = o.pub.conn.Props.Publish.Clone()
	var corr []byte
	if o.pub.conn.Session.Version == session.V5 {
		if req.Props == nil {
			req.Props = &message.Properties{}
		}
		req.Props.ResponseTopic = o.ResponseTopic
		if o.Correlate {
			corr = make([]byte, 16)
			_, _ = rand.Read(corr)
			req.Props.CorrelationData = corr
		}
	}
	if err := s.Publish(ctx, req); err != nil {
		return err
	}
	if err := s.Flush(); err != nil {
		return err
	}
	for {
		select {
		case m := <-msgs:
			if corr != nil && (m.Props == nil || !bytes.Equal(m.Props.CorrelationData, corr)) {
				if o.pub.conn.Debug {
					fmt.Fprintf(streams.ErrOut, "Ignoring a reply on %s without our correlation data\n", m.Topic)
				}
				continue
			}
			out := bufio.NewWriter(streams.Out)
			_, _ = out.Write(printMessage(o.Format, nil, m, messageErrOut(o.pub.conn, streams)))
			if r := s.Drain(ctx); r.Unacked() > 0 {
				return &problem{id: errUnacked, args: []any{r.Unacked(), r.Sent, ""}}
			}
			return writeError(out.Flush())
		case <-deadline:
			return errTimeout
		case <-s.Done():
			return s.Err()
		case <-ctx.Done():
			return nil
		}
	}
}

// readBody reads the payload of a single message from -m, -f, -s or -n.
func readBody(o *pubOptions, streams *iostreams.IOStreams) ([]byte, error) {
	switch o.Mode {
	case modeMessage:
		return o.Message, nil
	case modeFile:
		b, err := payload.ReadFile(o.File, maxPayload)
		var tl *payload.TooLargeError
		switch {
		case errors.As(err, &tl):
			return nil, &problem{id: errPubFileTooLarge, args: []any{o.File}}
		case err != nil:
			return nil, &problem{id: errPubFile, args: []any{o.File, unwrapPath(err)}}
		}
		return b, nil
	case modeStdin:
		b, err := payload.ReadAll(streams.In, maxPayload)
		var tl *payload.TooLargeError
		switch {
		case errors.As(err, &tl):
			return nil, &problem{id: errPubStdinTooLarge}
		case err != nil:
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return b, nil
	}
	return nil, nil
}
