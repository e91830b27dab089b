package cmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/publish"
	"mqtt/internal/receive"
	"mqtt/internal/session"
)

// rrOptions are `mqtt rr`'s flags after parsing.
type rrOptions struct {
	conn *connOptions
	payloadOptions
	Topic         string
	Retain        bool
	ResponseTopic string
	Format        format.Printer
	Correlate     bool
	Timeout       time.Duration
	content       *contentOptions // --decode, --filter, --select; nil without
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
	flags = append(flags, contentFlags()...)
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
			if err := askPassword(c.Context, opts.conn, streams); err != nil {
				return err
			}
			return quiet(opts.conn, runRR(c.Context, opts, streams))
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
	o := &rrOptions{conn: conn, Retain: c.Bool("retain"), Topic: c.String("topic"), ResponseTopic: c.String("response-topic"), Correlate: c.Bool("correlate")}
	if perr := o.parsePayload(c); perr != nil {
		return nil, perr
	}
	var perr *problem
	option := "-t"
	if conn.URLTopic != nil && !isSet(c, "topic") {
		o.Topic, option = *conn.URLTopic, "-L topic"
	}
	if o.Topic == "" || o.ResponseTopic == "" || o.Mode == modeNone {
		return nil, usageErr(errRRTopics)
	}
	if perr = checkTopic(o.Topic, false, option, errPubTopic); perr != nil {
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
	if o.content, err = parseContent(c); err != nil {
		return nil, err
	}
	if o.content, err = forView(o.content, o.Format); err != nil {
		return nil, err
	}
	return o, nil
}

// runRR subscribes to the response topic, publishes the request, and prints the first reply once the
// request is acknowledged.
func runRR(ctx context.Context, o *rrOptions, streams *iostreams.IOStreams) error {
	body, err := o.readBody(streams.In)
	if err != nil {
		return err
	}
	deadline := deadlineAfter(o.Timeout)
	setup, cancel := withDeadline(ctx, deadline)
	defer cancel()
	req, corr := o.request()
	po := receive.PrinterOptions{Hold: true, OnFormatError: formatErrors(messageErrOut(o.conn, streams))}
	filter := correlated(corr, o.conn.Debug, streams.ErrOut)
	if o.content != nil {
		keep, notes := o.content.wire(o.Format, &po, messageErrOut(o.conn, streams), streams)
		defer notes.summary()
		filter = both(filter, keep)
	}
	out := receive.NewPrinter(o.Format, streams.Out, po)
	r := receive.New(receive.Options{
		Subscriptions: []session.Subscription{{Filter: o.ResponseTopic, QoS: o.QoS}}, SubscribeProps: o.conn.Props.Subscribe,
		DisconnectProps: o.conn.Props.Disconnect, Count: 1, Deadline: deadline, Consumer: out, Filter: filter,
	})
	opts := *o.conn
	opts.Session.OnMessage, opts.Session.OnIdle = r.Message, r.Idle
	s, err := connect(setup, &opts, streams)
	if err != nil {
		return timedOut(setup, err)
	}
	defer r.Close(ctx, s)
	if err := r.Subscribe(ctx, s); err != nil {
		return receiveError(err)
	}
	sent := publish.New(publish.Options{Session: s, Source: &publish.Repeat{Body: body, Count: 1}, Message: req}).Send(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if sent.Err != nil {
		return sent.Err
	}
	if err := r.Wait(ctx, s); err != nil || ctx.Err() != nil {
		return receiveError(err)
	}
	if d := s.Drain(ctx); d.Unacked() > 0 {
		return &problem{id: errUnacked, args: []any{d.Unacked(), d.Sent, ""}}
	}
	return out.Flush()
}

// request is the request message, and on v5 the correlation data it carries (nil without --correlate).
func (o *rrOptions) request() (message.Message, []byte) {
	req := message.Message{Topic: o.Topic, QoS: o.QoS, Retain: o.Retain, Props: o.conn.Props.Publish.Clone()}
	if o.conn.Session.Version != session.V5 {
		return req, nil
	}
	if req.Props == nil {
		req.Props = &message.Properties{}
	}
	req.Props.ResponseTopic = o.ResponseTopic
	if !o.Correlate {
		return req, nil
	}
	corr := make([]byte, 16)
	_, _ = rand.Read(corr)
	req.Props.CorrelationData = corr
	return req, corr
}

// both keeps what first (when set) and then second keep.
func both(first, second func(*message.Message) bool) func(*message.Message) bool {
	if first == nil {
		return second
	}
	return func(m *message.Message) bool { return first(m) && second(m) }
}

// correlated keeps the replies that echo corr; nil keeps every message. Under -d an ignored reply is said.
func correlated(corr []byte, debug bool, errOut io.Writer) func(*message.Message) bool {
	if corr == nil {
		return nil
	}
	return func(m *message.Message) bool {
		if m.Props != nil && bytes.Equal(m.Props.CorrelationData, corr) {
			return true
		}
		if debug {
			fmt.Fprintf(errOut, "Ignoring a reply on %s without our correlation data\n", m.Topic)
		}
		return false
	}
}
