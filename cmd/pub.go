package cmd

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"mqtt/internal/codec"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/gen"
	"mqtt/internal/iostreams"
	"mqtt/internal/pace"
	"mqtt/internal/publish"
	"mqtt/internal/session"
	"mqtt/internal/wire"
)

// pubOptions are `mqtt pub`'s flags after parsing.
type pubOptions struct {
	conn *connOptions
	payloadOptions
	Topic  string
	Retain bool
	// Repeat is how many times the message is sent; 0 is for ever.
	Repeat      int
	RepeatDelay time.Duration
	Jitter      time.Duration
	Rate        float64 // messages a second; 0 for no limit
	Duration    time.Duration
	LineTopic   string // -l lines are "topic LineTopic payload"
	Template    bool
	Seed        *uint64
	// Echo is -v on a terminal: a line for each message sent. In a pipe -v prints nothing, so that stdout
	// stays as mosquitto_pub leaves it: empty.
	Echo bool
	// WarnRefused is mosquitto_pub's way with a publish the broker refuses with a reason code (linked):
	// a warning for each, and no failure for the run. mqtt's own pub counts it as not delivered.
	WarnRefused bool
	// Replay is --replay; nil without it.
	Replay *replayOptions
	rnd    *rand.Rand
	tmpl   *publish.Template // compiled before connecting, so a mistake costs no connection
	enc    *codec.Encoder    // --encode; nil without
	// checkEncode is the run's one body checked by encoding it before connecting (--encode).
	checkEncode func(topic string, body []byte) error
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
		&cli.StringFlag{Name: "repeat", Value: "1", Usage: "publish `N` times; 0 for ever (or until --duration)"},
		&cli.StringFlag{Name: "count", Usage: "the same as --repeat `N`"},
		&cli.StringFlag{Name: "repeat-delay", Value: "0", Usage: "`SECONDS` between messages (2.5, or a duration like 1m30s)"},
		&cli.StringFlag{Name: "jitter", Usage: "vary each --repeat-delay at random by up to `SECONDS` either way"},
		&cli.StringFlag{Name: "rate", Usage: "at most `N/s` messages a second (or N/m, N/h), with -l or --repeat"},
		&cli.StringFlag{Name: "duration", Usage: "stop after `SECONDS` (or 10m), then wait for acknowledgements"},
		&cli.StringFlag{Name: "size", Usage: "send `N` random bytes as the payload (new bytes for each message)"},
		&cli.StringFlag{Name: "line-topic", Usage: "with -l, each line is topic `SEP` payload: a topic per line"},
		&cli.BoolFlag{Name: "template", Usage: "expand {{...}} in payload, topic, properties: see --template-help"},
		&cli.BoolFlag{Name: "template-help", Usage: "list the functions --template offers, with examples, and exit"},
		&cli.StringFlag{Name: "seed", Usage: "seed --template's and --size's randomness with `N`, to repeat a run"},
		&cli.StringFlag{Name: "max-inflight", Aliases: []string{"M"}, Usage: "QoS 1/2 messages unacknowledged at once (default 100, 20 for QoS 2)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "on a terminal, a line per message sent: topic, payload, packet id"},
	}, append(append(encodeFlags(), replayFlags()...), append(reconnectFlags(), connFlags("311")...)...)...)
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
	if perr = o.parseReplay(c); perr != nil {
		return nil, perr
	}
	option := "-t"
	o.Topic = c.String("topic")
	if conn.URLTopic != nil && !isSet(c, "topic") {
		o.Topic, option = *conn.URLTopic, "-L topic"
	}
	lineTopics := isSet(c, "line-topic")
	if o.Replay != nil {
		lineTopics = true // each message has its topic: there is none to check here
	} else if !isSet(c, "topic") && conn.URLTopic == nil && !lineTopics || o.Mode == modeNone {
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
	if o.enc, err = parseEncode(c, o.Mode); err != nil {
		return nil, err
	}
	if o.enc != nil {
		o.checkEncode = func(topic string, body []byte) error { return checkEncode(c, topic, body) }
	}
	switch {
	case isSet(c, "max-inflight"):
		m, err := strconv.Atoi(c.String("max-inflight"))
		if err != nil || m < 1 {
			return nil, usageErr(errPubMaxInflight)
		}
		conn.Session.MaxInflight = min(m, session.MaxInflight)
	case o.QoS == 2:
		conn.Session.MaxInflight = wire.InflightQoS2
	default:
		conn.Session.MaxInflight = wire.InflightQoS1
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
	env := gen.SystemEnv()
	env.Rand, env.Lookup, env.Stop = o.rnd, os.LookupEnv, ctx.Done()
	var err error
	o.tmpl, err = publish.CompileTemplate(o.templateTexts(), o.conn.Props.Publish, env)
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
