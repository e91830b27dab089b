package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/topic"
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
}

// outputFlags are the flags that say how a received message is printed; rr shares them.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print \"topic payload\""},
		&cli.BoolFlag{Name: "N", Usage: "do not print a newline after each message"},
		&cli.StringFlag{Name: "format", Aliases: []string{"F"}, Usage: "print with a mosquitto_sub format string (see the man page)"},
		&cli.BoolFlag{Name: "pretty", Usage: "indent the JSON of %j and %J"},
		&cli.StringFlag{Name: "timeout", Aliases: []string{"W"}, Usage: "exit with code 27 after `SECONDS` without finishing"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object per message (binary payloads in base64)"},
		&cli.BoolFlag{Name: "json-payload", Usage: "with --json, embed a payload that is JSON as JSON"},
		&cli.StringFlag{Name: "output", Usage: "payload as `text`, hex (a dump) or base64, in default and -v output"},
		&cli.BoolFlag{Name: "timestamp", Usage: "print the receive time (RFC 3339) before each message"},
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour: auto (on a terminal), always or never; NO_COLOR is honoured"},
		&cli.StringFlag{Name: "view", Value: "auto", Usage: "pretty: records for a person (time, topic, indented JSON); plain: mosquitto_sub's bytes; auto: pretty on a terminal"},
	}
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
	}, outputFlags()...)
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
		RetainAsPublished: c.Bool("retain-as-published"), RandomFilter: 10000,
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
		if n < session.DefaultReceiveMaximum {
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
	if len(o.Topics) == 0 {
		return nil, usageErr(errSubTopic)
	}
	return o, nil
}

func parseTimeout(c *cli.Context) (time.Duration, *problem) {
	if !isSet(c, "timeout") {
		return 0, nil
	}
	w, err := strconv.Atoi(c.String("timeout"))
	if err != nil || w < 1 {
		return 0, usageErr(errSubTimeout, c.String("timeout"))
	}
	return time.Duration(w) * time.Second, nil
}

// parseFormat chooses the printer once from the output flags; printing a message never parses. --view
// picks the view (records for a person) or mosquitto_sub's bytes; auto shows the view on a terminal unless
// a flag asks for output of a kind of its own (-F, --json, -N, --output). Flags that would be ignored are
// refused before connecting (see outputPairs).
func parseFormat(c *cli.Context, streams *iostreams.IOStreams) (format.Printer, *problem) {
	if err := streams.SetColorMode(c.String("color"), os.Getenv); err != nil {
		return nil, usageErr(errSubFormat, err.Error())
	}
	o := format.Options{
		Verbose: c.Bool("verbose"), NoEOL: c.Bool("N"), Pretty: c.Bool("pretty"),
		Output: c.String("output"), Timestamp: c.Bool("timestamp"), Dialect: format.DialectMQTT,
	}
	view, perr := outputPairs(c, streams)
	if perr != nil {
		return nil, perr
	}
	var p format.Printer
	var err error
	switch {
	case isSet(c, "format"):
		p, err = format.Compile(c.String("format"), o) // -F '' is a format too: an empty line per message
	case c.Bool("json"):
		p, err = format.NewJSONLines(format.JSONOptions{Pretty: o.Pretty, EmbedPayload: c.Bool("json-payload"), Output: o.Output})
	case view:
		p = format.NewPretty(format.PrettyOptions{Color: streams.ColorOut, Verbose: o.Verbose, Timestamp: o.Timestamp, Width: streams.OutWidth})
	default:
		if p, err = format.New(o); err == nil && o.Pretty {
			// mosquitto_sub takes --pretty here too and prints the payload as it came: so does mqtt, in
			// case a script passes it, but a person is told.
			fmt.Fprintln(streams.ErrOut, label(streams, warnPrettyPlain))
		}
	}
	if err != nil {
		return nil, usageErr(errSubFormat, err.Error())
	}
	return p, nil
}

// printMessage appends m as f prints it and reports a %J payload that is not JSON on stderr, once per
// %J, as mosquitto_sub does, and a %f or %d payload of the wrong size once; the rest of the line is still
// printed.
func printMessage(f format.Printer, dst []byte, m *message.Message, errOut io.Writer) []byte {
	dst, err := f.Append(dst, m)
	var nj *format.NotJSONError
	if errors.As(err, &nj) {
		for range nj.Count {
			fmt.Fprintf(errOut, "Error: %s\n", nj.Error())
		}
	}
	var nf *format.NotFloatError
	if errors.As(err, &nf) {
		fmt.Fprintf(errOut, "Error: %s\n", nf.Error())
	}
	return dst
}

// errTimedOut is -W running out: exit code 27, as mosquitto's MOSQ_ERR_TIMEOUT.
var errTimeout = &exitError{code: 27, msg: mqttText[errTimedOut]}

func runSub(ctx context.Context, o *subOptions, streams *iostreams.IOStreams) error {
	deadline := deadlineOf(o.Timeout)
	setup, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	r := newReceiver(o, streams)
	opts := *o.conn
	opts.Session.OnMessage, opts.Session.OnIdle = r.message, r.idle
	if debug := debugOut(o.conn, streams); debug != nil && !o.conn.Quiet {
		// mosquitto_sub's -d line for a SUBACK; under -d every message is flushed at once, so that the
		// -d lines, written as they happen, stay in order with the messages.
		opts.Session.OnSubscribed = func(id uint16, codes []byte) { writeSubscribed(debug, id, codes) }
		r.flushEach = true
	}
	// While messages stream in, they are read in batches up to a millisecond apart: waking once per
	// message is most of the CPU a fast stream costs. A message after a quiet spell is printed at once.
	opts.Session.ReadBatch = time.Millisecond
	s, err := connect(setup, &opts, streams)
	if err != nil {
		return timedOut(setup, err)
	}
	r.clear = startClearer(ctx, s)
	defer func() {
		r.finish()
		r.clear.close()
		disconnect(ctx, s, o.conn)
	}()
	subs := make([]session.Subscription, len(o.Topics))
	for i, t := range o.Topics {
		subs[i] = session.Subscription{Filter: t, QoS: o.QoS, RetainAsPublished: o.RetainAsPublished}
		if o.SkipRetained {
			subs[i].RetainHandling = 2 // v5: the broker need not send them at all; mosquitto_sub asks the same
		}
	}
	// One UNSUBSCRIBE per -U, right behind the SUBSCRIBE, as mosquitto_sub sends them.
	granted, err := s.SubscribeThenUnsubscribe(setup, subs, o.conn.Props.Subscribe, o.Unsubscribe, o.conn.Props.Unsubscribe)
	if err == nil {
		err = allDenied(granted)
	}
	if err != nil {
		return timedOut(setup, err)
	}
	if o.ExitAfterSubscribe {
		return nil
	}
	select {
	case err := <-r.ended:
		return err
	case <-deadline:
		return r.finishWith(errTimeout)
	case <-s.Done():
		// Messages read before the connection went are printed before the error.
		if err := r.finish(); err != nil {
			return err
		}
		return s.Err()
	case <-ctx.Done():
		return r.finish()
	}
}

// shouldHandle applies -R and -T.
func (o *subOptions) shouldHandle(m *message.Message) bool {
	if o.SkipRetained && m.Retain {
		return false
	}
	for _, f := range o.FilterOut {
		if topic.Match(f, m.Topic) {
			return false
		}
	}
	return true
}

func deadlineOf(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return time.After(d)
}

// writeError ends quietly when the reader of stdout has gone (`mqtt sub | head -1`), as Unix tools do.
func writeError(err error) error {
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return err
}

// connectReceiving connects with a copy of every received message sent to msgs. The returned stop
// disconnects; it first releases the reader, which may be blocked handing over a message nobody will read.
func connectReceiving(ctx context.Context, conn *connOptions, streams *iostreams.IOStreams, msgs chan<- *message.Message) (session.Session, func(), error) {
	quit := make(chan struct{})
	opts := *conn
	opts.Session.OnMessage = func(m *message.Message) {
		c := *m
		c.Payload = append([]byte(nil), m.Payload...) // the session reuses its buffer
		select {
		case msgs <- &c:
		case <-quit:
		}
	}
	s, err := connect(ctx, &opts, streams)
	if err != nil {
		return nil, nil, err
	}
	return s, func() {
		close(quit)
		disconnect(ctx, s, conn)
	}, nil
}

// disconnect lets what was published (--remove-retained, a request) go out before DISCONNECT, unless a
// signal says to stop now.
func disconnect(ctx context.Context, s session.Session, conn *connOptions) {
	drain, cancel := context.WithTimeout(ctx, 10*time.Second)
	s.Drain(drain)
	cancel()
	_ = s.Disconnect(context.WithoutCancel(ctx), conn.Props.Disconnect)
}

// withTimeout bounds connecting and subscribing by -W too: mosquitto's -W counts from the start.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// timedOut turns an error caused by the -W deadline into the timeout.
func timedOut(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errTimeout
	}
	return err
}

// subscribe sends the SUBSCRIBE and fails when the broker refused every filter, as mosquitto_sub does.
func subscribe(ctx context.Context, s session.Session, subs []session.Subscription, props *message.Properties) error {
	granted, err := s.Subscribe(ctx, subs, props)
	if err != nil {
		return err
	}
	return allDenied(granted)
}

// allDenied is the error for a SUBACK that refused every filter.
func allDenied(granted []byte) error {
	for _, g := range granted {
		if g < 0x80 {
			return nil
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return &exitError{code: 1, msg: mqttText[errSubDenied]}
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
