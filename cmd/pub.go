package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/gen"
	"mqtt/internal/iostreams"
	"mqtt/internal/pace"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// maxPayload is the most a PUBLISH can carry: the remaining-length limit (the topic takes a little more).
const maxPayload = 268435455

type pubMode int

const (
	modeNone    pubMode = iota
	modeMessage         // -m
	modeFile            // -f
	modeStdin           // -s
	modeLines           // -l
	modeNull            // -n
	modeSize            // --size: random bytes
)

// pubOptions are `mqtt pub`'s flags after parsing.
type pubOptions struct {
	conn    *connOptions
	Topic   string
	Mode    pubMode
	Message []byte
	File    string
	QoS     byte
	Retain  bool
	// Repeat is how many times the message is sent; 0 is for ever.
	Repeat      int
	RepeatDelay time.Duration
	Jitter      time.Duration
	Rate        float64 // messages a second; 0 for no limit
	Duration    time.Duration
	Size        int
	LineTopic   string // -l lines are "topic LineTopic payload"
	Template    bool
	Seed        *uint64
	// Echo is -v on a terminal: a line for each message sent. In a pipe -v prints nothing, so that stdout
	// stays as mosquitto_pub leaves it: empty.
	Echo bool
	rnd  *rand.Rand
	tmpl *templates // compiled before connecting, so a mistake costs no connection
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
		&cli.StringFlag{Name: "repeat", Value: "1", Usage: "publish the message `N` times; 0 for ever (until interrupted or --duration)"},
		&cli.StringFlag{Name: "count", Usage: "the same as --repeat `N`"},
		&cli.StringFlag{Name: "repeat-delay", Value: "0", Usage: "`SECONDS` between messages (2.5, or a duration like 1m30s)"},
		&cli.StringFlag{Name: "jitter", Usage: "vary each --repeat-delay at random by up to this many `SECONDS` either way"},
		&cli.StringFlag{Name: "rate", Usage: "publish at most `N/s` messages a second (or N/m, N/h); with -l and --repeat"},
		&cli.StringFlag{Name: "duration", Usage: "stop publishing after `SECONDS` (or a duration like 10m); then wait for acknowledgements"},
		&cli.StringFlag{Name: "size", Usage: "send `N` random bytes as the payload (new bytes for each message)"},
		&cli.StringFlag{Name: "line-topic", Usage: "with -l, each line is topic `SEP` payload: a topic per line"},
		&cli.BoolFlag{Name: "template", Usage: "expand {{...}} in the payload, -t and v5 user properties for each message (see --template-help)"},
		&cli.BoolFlag{Name: "template-help", Usage: "list the functions --template offers, with examples, and exit"},
		&cli.StringFlag{Name: "seed", Usage: "seed the random functions of --template and --size with `N`, for a repeatable run"},
		&cli.StringFlag{Name: "max-inflight", Aliases: []string{"M"}, Usage: "QoS 1/2 messages awaiting acknowledgement at once (default 100, 20 for QoS 2)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "on a terminal, print a line for each message sent: topic, payload, packet id"},
	}, append(reconnectFlags(), connFlags("311")...)...)
	return &cli.Command{
		Name:        "pub",
		Usage:       "publish messages (mosquitto_pub)",
		UsageText:   "mqtt pub [-h host] [-p port] -t topic {-m message | -f file | -s | -l | -n | --size N} [options]",
		Description: "The functions of --template, with examples: mqtt pub --template-help. Everything in full: man mqtt-pub.",
		Flags:       flags,
		Action: func(c *cli.Context) error {
			if c.Bool("template-help") {
				_, err := fmt.Fprint(streams.Out, templateHelp())
				return err
			}
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
	o := &pubOptions{conn: conn, Retain: c.Bool("retain"), Echo: c.Bool("verbose") && streams.OutTTY}
	var perr *problem
	if perr = parseReconnect(c, conn, streams); perr != nil {
		return nil, perr
	}
	if perr = o.parsePayload(c); perr != nil {
		return nil, perr
	}
	option := "-t"
	o.Topic = c.String("topic")
	if conn.URLTopic != nil && !isSet(c, "topic") {
		o.Topic, option = *conn.URLTopic, "-L topic"
	}
	lineTopics := isSet(c, "line-topic")
	if !isSet(c, "topic") && conn.URLTopic == nil && !lineTopics || o.Mode == modeNone {
		return nil, usageErr(errPubTopicAndMessage)
	}
	// A template topic is checked once expanded, for each message.
	if !lineTopics && !c.Bool("template") {
		if perr = checkTopic(o.Topic, false, option, errPubTopic); perr != nil {
			return nil, perr
		}
	}
	if perr = o.parsePacing(c); perr != nil {
		return nil, perr
	}
	if err := o.compileTemplate(c.Context); err != nil {
		return nil, err
	}
	switch {
	case isSet(c, "max-inflight"):
		m, err := strconv.Atoi(c.String("max-inflight"))
		if err != nil || m < 1 {
			return nil, usageErr(errPubMaxInflight)
		}
		conn.Session.MaxInflight = min(m, session.MaxInflight)
	case o.QoS == 2:
		// mosquitto drops a 3.1.1 client with more than its max_inflight_messages (20) QoS 2 messages
		// in flight, and 3.1.1 has no way to learn the limit.
		conn.Session.MaxInflight = 20
	default:
		// Past about 100, a bigger window gains nothing against a local mosquitto (50,000 QoS 1 lines:
		// 0.38 s at 20, 0.30 s at 100 and at 1000), and holds more to lose if the connection drops.
		conn.Session.MaxInflight = 100
	}
	return o, nil
}

// parsePacing reads how many, how fast and for how long: --repeat/--count, --repeat-delay, --jitter,
// --rate, --duration, and the -l options.
func (o *pubOptions) parsePacing(c *cli.Context) *problem {
	repeat := c.String("repeat")
	if isSet(c, "count") {
		if isSet(c, "repeat") && c.String("count") != repeat {
			return usageErr(errPubOption, "--count and --repeat say different things: give one of them.")
		}
		repeat = c.String("count")
	}
	var err error
	if o.Repeat, err = strconv.Atoi(repeat); err != nil || o.Repeat < 0 {
		return usageErr(errPubRepeat)
	}
	if o.RepeatDelay, err = pace.ParseDuration(c.String("repeat-delay")); err != nil {
		return usageErr(errPubRepeatDelay)
	}
	if isSet(c, "jitter") {
		if o.Jitter, err = pace.ParseDuration(c.String("jitter")); err != nil {
			return usageErr(errPubOption, "--jitter "+err.Error()+".")
		}
	}
	if isSet(c, "rate") {
		if o.Rate, err = pace.ParseRate(c.String("rate")); err != nil {
			return usageErr(errPubOption, "--rate "+err.Error()+".")
		}
	}
	if isSet(c, "duration") {
		if o.Duration, err = pace.ParseDuration(c.String("duration")); err != nil || o.Duration == 0 {
			return usageErr(errPubOption, fmt.Sprintf("--duration %q: want seconds (30) or a duration (10m) above 0.", c.String("duration")))
		}
	}
	if isSet(c, "line-topic") {
		if o.Mode != modeLines {
			return usageErr(errPubOption, "--line-topic needs -l: it says how to find the topic in each line.")
		}
		if o.LineTopic = c.String("line-topic"); o.LineTopic == "" {
			return usageErr(errPubOption, "--line-topic needs a separator, like ' ' or '|'.")
		}
	}
	o.Template = c.Bool("template")
	if isSet(c, "seed") {
		seed, err := strconv.ParseUint(c.String("seed"), 10, 64)
		if err != nil {
			return usageErr(errPubOption, fmt.Sprintf("--seed %q: want a whole number from 0.", c.String("seed")))
		}
		o.Seed = &seed
	}
	o.rnd = newRand(o.Seed)
	return nil
}

// compileTemplate compiles --template's texts, before connecting, so that a mistake costs no
// connection. A signal while a template renders ends the run as the signal does.
func (o *pubOptions) compileTemplate(ctx context.Context) error {
	if !o.Template {
		return nil
	}
	var err error
	o.tmpl, err = compileTemplates(o, o.rnd, os.LookupEnv, ctx.Done())
	return templateErr(ctx, err, true)
}

// templateErr words an error of compiling a template: a problem (with the usage hint for a text on the
// command line), unless a signal stopped it.
func templateErr(ctx context.Context, err error, usage bool) error {
	if errors.Is(err, gen.ErrStopped) {
		if sig, ok := signalled(ctx); ok {
			return &exitError{code: sig.ExitCode()}
		}
		return context.Cause(ctx)
	}
	if err != nil {
		return &problem{id: errPubOption, args: []any{err.Error() + "."}, usage: usage}
	}
	return nil
}

// parsePayload reads the flags that say what to send (-m, -f, -s, -l, -n; rr has no -l) and -q.
func (o *pubOptions) parsePayload(c *cli.Context) *problem {
	// Each of them counts every time it is given: mosquitto_pub refuses -m x -m y as it refuses -m x -n,
	// where a flag parser would keep y.
	modes := 0
	for _, m := range []struct {
		mode pubMode
		flag string
		on   bool
	}{
		{modeMessage, "message", isSet(c, "message")}, {modeFile, "file", isSet(c, "file")},
		{modeStdin, "stdin-file", c.Bool("stdin-file")}, {modeLines, "stdin-line", c.Bool("stdin-line")},
		{modeNull, "null-message", c.Bool("null-message")}, {modeSize, "size", isSet(c, "size")},
	} {
		if m.on {
			o.Mode = m.mode
			modes += max(1, flagCount(c, m.flag))
		}
	}
	if modes > 1 {
		return usageErr(errPubOneMode)
	}
	if o.Mode == modeSize {
		n, err := strconv.Atoi(c.String("size"))
		if err != nil || n < 0 || n > maxPayload {
			return usageErr(errPubOption, fmt.Sprintf("--size %q: want a number of bytes from 0 to %d.", c.String("size"), maxPayload))
		}
		o.Size = n
	}
	o.Message, o.File = []byte(c.String("message")), c.String("file")
	var perr *problem
	o.QoS, perr = parseQoS(c.String("qos"))
	return perr
}

// connect opens the session, turning a refused CONNACK into mosquitto's message and exit code.
func connect(ctx context.Context, conn *connOptions, streams *iostreams.IOStreams) (session.Session, error) {
	opts := conn.Session
	opts.Debug = debugOut(conn, streams)
	s, err := session.Connect(ctx, opts)
	var ce *session.ConnectError
	if errors.As(err, &ce) {
		e := &exitError{code: int(ce.Code), msg: fmt.Sprintf(mqttText[errConnectRefused], ce.Error()), connack: true}
		if ce.Version == session.V5 && ce.Code == 0x84 { // MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION
			e.msg, e.unsupported = e.msg+textUnsupportedV5, true
		}
		return nil, e
	}
	if err != nil && ctx.Err() == nil {
		// Say where the address came from when the command line did not give it all (MQTT_PORT=1).
		return nil, withNote(explainConnectFailure(opts.Dial, err), conn.DestinationNote)
	}
	return s, err
}

// debugOut is where -d lines go: stderr, or stdout as libmosquitto prints them when linked; nil without -d.
func debugOut(conn *connOptions, streams *iostreams.IOStreams) io.Writer {
	switch {
	case !conn.Debug:
		return nil
	case conn.DebugToStdout:
		return streams.Out
	}
	return streams.ErrOut
}

// explainConnectFailure prefers the transport's explanation of a TLS failure, which is one sentence
// with its fix, to the layers the session wrapped around it ("waiting for CONNACK: network Error :").
func explainConnectFailure(d transport.Dialer, err error) error {
	var te *transport.TLSError
	var he *session.HangupError
	switch {
	case errors.As(err, &te):
		return te
	case errors.As(err, &he):
		return explainHangup(d, he)
	}
	return sessionExit(err)
}

// quiet drops the message of an error when --quiet is given; the exit code stays.
func quiet(conn *connOptions, err error) error {
	err = sessionExit(err)
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
