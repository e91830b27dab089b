package cmd

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/receive"
	"mqtt/internal/session"
	"mqtt/internal/topiclines"
	"mqtt/internal/transport"
	"mqtt/internal/wire"
)

// subOptions are `mqtt sub`'s flags after parsing.
type subOptions struct {
	conn               *connOptions
	Topics             []string
	FilterOut          []string
	Unsubscribe        []string
	QoS                byte
	Count              int
	Timeout            time.Duration
	SkipRetained       bool
	ExitAfterSubscribe bool
	RemoveRetained     bool
	RetainedOnly       bool
	RetainAsPublished  bool
	// RandomFilter is the share of messages printed, in hundredths of a percent (10000 = all).
	RandomFilter int
	Format       format.Printer
	// Watch is mosquitto 2.1's -w: each topic on a line of its own, redrawn in place.
	Watch   bool
	content *contentOptions // --decode, --filter, --select; nil without
}

func subCommand(streams *iostreams.IOStreams) *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringSliceFlag{Name: "topic", KeepSpace: true, Aliases: []string{"t"}, Usage: "topic filter to subscribe to (repeatable)"},
		&cli.StringSliceFlag{Name: "filter-out", KeepSpace: true, Aliases: []string{"T"}, Usage: "do not print topics matching this filter (repeatable)"},
		&cli.StringSliceFlag{Name: "unsubscribe", KeepSpace: true, Aliases: []string{"U"}, Usage: "unsubscribe from this filter after connecting (repeatable)"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "quality of service of the subscriptions"},
		&cli.StringFlag{Name: "count", Aliases: []string{"C"}, Usage: "exit after `N` messages"},
		&cli.BoolFlag{Name: "R", Usage: "do not print retained messages"},
		&cli.BoolFlag{Name: "E", Usage: "exit once subscribed"},
		&cli.BoolFlag{Name: "remove-retained", Usage: "clear each retained message received"},
		&cli.BoolFlag{Name: "retained-only", Usage: "print retained messages only, exit at the first one that is not"},
		&cli.BoolFlag{Name: "retain-as-published", Usage: "v5: keep the retain flag as published"},
		&cli.StringFlag{Name: "random-filter", Usage: "print only this `PERCENT` of messages, chosen at random"},
		&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, Usage: "print each topic on a line of its own, rewritten in place (mosquitto 2.1)"},
	}, outputFlags()...)
	flags = append(flags, contentFlags()...)
	flags = append(flags, reconnectFlags()...)
	flags = append(flags, connFlags("311")...)
	return &cli.Command{
		Name:      "sub",
		Usage:     "subscribe and print messages (mosquitto_sub)",
		UsageText: "mqtt sub [-h host] [-p port] -t topic [-t topic ...] [-v] [-C count] [-F format] [options]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			opts, err := parseSub(c, streams)
			if err != nil {
				return err
			}
			if err := askPassword(c.Context, opts.conn, streams); err != nil {
				return err
			}
			return quiet(opts.conn, runSub(c.Context, opts, streams))
		},
	}
}

func parseSub(c *cli.Context, streams *iostreams.IOStreams) (*subOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	conn, err := parseConn(c, systemConnEnv(streams))
	if err != nil {
		return nil, err
	}
	if perr := parseReconnect(c, conn, streams); perr != nil {
		return nil, perr
	}
	o := &subOptions{
		conn: conn, Topics: stringSlice(c, "topic"), FilterOut: stringSlice(c, "filter-out"),
		Unsubscribe: stringSlice(c, "unsubscribe"), SkipRetained: c.Bool("R"), ExitAfterSubscribe: c.Bool("E"),
		RemoveRetained: c.Bool("remove-retained"), RetainedOnly: c.Bool("retained-only"),
		RetainAsPublished: c.Bool("retain-as-published"), RandomFilter: receive.AllKept, Watch: c.Bool("watch"),
	}
	if conn.URLTopic != nil {
		o.Topics = append(o.Topics, *conn.URLTopic)
	}
	var perr *problem
	if o.QoS, perr = parseQoS(c.String("qos")); perr != nil {
		return nil, perr
	}
	for i, t := range o.Topics {
		option := "-t"
		if conn.URLTopic != nil && i == len(o.Topics)-1 {
			option = "-L topic"
		}
		if perr = checkTopic(t, true, option, errSubFilter); perr != nil {
			return nil, perr
		}
	}
	for _, t := range o.FilterOut {
		if perr = checkTopic(t, true, "-T", errSubFilterOut); perr != nil {
			return nil, perr
		}
	}
	for _, t := range o.Unsubscribe {
		if perr = checkTopic(t, true, "-U", errSubUnsubscribe); perr != nil {
			return nil, perr
		}
	}
	if isSet(c, "count") {
		n, err := strconv.Atoi(c.String("count"))
		if err != nil || n < 1 {
			return nil, usageErr(errSubCount, c.String("count"))
		}
		o.Count = n
		if n < wire.DefaultReceiveMaximum {
			// As mosquitto_sub: no more in flight than it will print.
			conn.receiveMaximum(uint16(n))
		}
	}
	if o.Timeout, perr = parseTimeout(c); perr != nil {
		return nil, perr
	}
	if isSet(c, "random-filter") {
		f, err := strconv.ParseFloat(c.String("random-filter"), 64)
		if err != nil || f < 0.1 || f > 100 {
			return nil, usageErr(errSubRandomFilter, c.String("random-filter"))
		}
		o.RandomFilter = int(f * 100)
	}
	if o.Format, perr = parseFormat(c, streams); perr != nil {
		return nil, perr
	}
	if len(o.Topics) == 0 && len(o.Unsubscribe) == 0 {
		return nil, usageErr(errSubTopic)
	}
	if o.content, err = parseContent(c); err != nil {
		return nil, err
	}
	if o.content, err = forView(o.content, o.Format); err != nil {
		return nil, err
	}
	return o, nil
}

func runSub(ctx context.Context, o *subOptions, streams *iostreams.IOStreams) error {
	deadline := deadlineAfter(o.Timeout)
	setup, cancel := withDeadline(ctx, deadline)
	defer cancel()
	po := receive.PrinterOptions{OnFormatError: formatErrors(messageErrOut(o.conn, streams))}
	opts := *o.conn
	if debug := debugOut(o.conn, streams); debug != nil && !o.conn.Quiet {
		// mosquitto_sub's -d line for a SUBACK; under -d every message is flushed at once, so that the
		// -d lines, written as they happen, stay in order with the messages.
		opts.Session.OnEvent = withSubscribed(opts.Session.OnEvent, debug)
		po.FlushEach = true
	}
	ro := o.receiveOptions(deadline, nil)
	var notes *contentNotes
	if o.content != nil {
		ro.Filter, notes = o.content.wire(o.Format, &po, messageErrOut(o.conn, streams), streams)
	}
	defer notes.summary()
	f := o.Format
	if o.Watch {
		// --random-filter moves into the printer: a message it leaves out still takes its line.
		f, ro.RandomFilter = o.watchLines(streams), receive.AllKept
	}
	ro.Consumer = receive.NewPrinter(f, streams.Out, po)
	r := receive.New(ro)
	opts.Session.OnMessage, opts.Session.OnIdle = r.Message, r.Idle
	// While messages stream in, they are read in batches up to a millisecond apart: waking once per
	// message is most of the CPU a fast stream costs. A message after a quiet spell is printed at once.
	opts.Session.ReadBatch = time.Millisecond
	s, err := connect(setup, &opts, streams)
	if err != nil {
		return timedOut(setup, err)
	}
	return receiveError(r.Run(ctx, s))
}

// receiveOptions are what the receiver does for these options, ending at deadline, handing each message
// kept to c.
func (o *subOptions) receiveOptions(deadline time.Time, c receive.Consumer) receive.Options {
	subs := make([]session.Subscription, len(o.Topics))
	for i, t := range o.Topics {
		subs[i] = session.Subscription{Filter: t, QoS: o.QoS, RetainAsPublished: o.RetainAsPublished}
		if o.SkipRetained {
			subs[i].RetainHandling = 2 // v5: the broker need not send them at all; mosquitto_sub asks the same
		}
	}
	p := o.conn.Props
	return receive.Options{
		Subscriptions: subs, SubscribeProps: p.Subscribe, Unsubscribe: o.Unsubscribe, UnsubscribeProps: p.Unsubscribe,
		DisconnectProps: p.Disconnect, FilterOut: o.FilterOut, SkipRetained: o.SkipRetained, RetainedOnly: o.RetainedOnly,
		RemoveRetained: o.RemoveRetained, RandomFilter: o.RandomFilter, Count: o.Count, Deadline: deadline,
		ExitAfterSubscribe: o.ExitAfterSubscribe, Consumer: c,
	}
}

// watchLines writes -w's header, before connecting as mosquitto_sub does, and returns the printer that
// puts each message on its topic's line, and applies --random-filter after the move.
func (o *subOptions) watchLines(streams *iostreams.IOStreams) format.Printer {
	d := o.conn.Session.Dial
	host := d.Host
	if d.Scheme == transport.Unix {
		host = d.UnixPath
	}
	if host == "" {
		host = "localhost"
	}
	_, _ = streams.Out.Write(topiclines.AppendHeader(nil, host)) // a failed write shows with the first message
	p := &topiclines.Printer{Lines: topiclines.New(), Format: o.Format}
	if share := o.RandomFilter; share < receive.AllKept {
		p.Keep = func() bool { return rand.IntN(receive.AllKept) < share }
	}
	return p
}

// withSubscribed puts mosquitto_sub's -d line for each SUBACK before the events next tells.
func withSubscribed(next func(session.Event), w io.Writer) func(session.Event) {
	return func(e session.Event) {
		if s, ok := e.(session.Subscribed); ok {
			writeSubscribed(w, s.ID, s.Codes)
			return
		}
		if next != nil {
			next(e)
		}
	}
}

// writeSubscribed is mosquitto_sub's -d line for a SUBACK: "Subscribed (mid: 1): 0, 1".
func writeSubscribed(w io.Writer, id uint16, codes []byte) {
	b := fmt.Appendf(nil, "Subscribed (mid: %d):", id)
	for i, c := range codes {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, " %d", c)
	}
	_, _ = w.Write(append(b, '\n'))
}
