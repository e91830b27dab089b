package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"mqtt/internal/codec"
	"mqtt/internal/iostreams"
	"mqtt/internal/jq"
	"mqtt/internal/message"
	"mqtt/internal/receive"
	"mqtt/internal/session"
	"mqtt/internal/transport"
	"mqtt/internal/watch"
)

// watchOptions are `mqtt watch`'s flags after parsing.
type watchOptions struct {
	conn         *connOptions
	Topics       []string
	FilterOut    []string
	QoS          byte
	SkipRetained bool
	Color        bool
	Filter       *jq.Query // --filter; nil for none
	Field        *jq.Query // --field; nil reads a payload that is a number
	// newDecoder makes a decoder of --decode's format (auto without it), one for each goroutine that
	// decodes; Decode is whether --decode was given.
	newDecoder func() (*codec.Decoder, error)
	Decode     bool
}

func watchCommand(streams *iostreams.IOStreams) *cli.Command {
	flags := []cli.Flag{
		&cli.StringSliceFlag{Name: "topic", KeepSpace: true, Aliases: []string{"t"}, Usage: "topic filter to watch (repeatable; default #, every topic)"},
		&cli.StringSliceFlag{Name: "filter-out", KeepSpace: true, Aliases: []string{"T"}, Usage: "leave out topics matching this filter (repeatable)"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "quality of service of the subscriptions"},
		&cli.BoolFlag{Name: "R", Usage: "leave out retained messages"},
		&cli.StringFlag{Name: "filter", Usage: "show only the messages the jq `EXPR` is true for (.topic, .payload, .qos, .retain)"},
		&cli.StringFlag{Name: "field", Usage: "draw the sparkline of the number the jq `EXPR` picks (.payload.temp)"},
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour: auto, always or never; NO_COLOR is honoured"},
	}
	flags = append(flags, decodeFlags()...)
	flags = append(flags, reconnectFlags()...)
	flags = append(flags, connFlags("311")...)
	return &cli.Command{
		Name:      "watch",
		Usage:     "a live view of every topic (full screen)",
		UsageText: "mqtt watch [-h host] [-p port] [-t filter ...] [options]",
		Description: "Keys: ↑↓ (or j k) move, / searches, Enter shows a topic's last messages, p pauses, " +
			"c clears a retained message, q quits. Everything in full: man mqtt-watch.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts, err := parseWatch(c, streams)
			if err != nil {
				return err
			}
			if err := askPassword(c.Context, opts.conn, streams); err != nil {
				return err
			}
			return quiet(opts.conn, runWatch(c.Context, opts, streams))
		},
	}
}

func parseWatch(c *cli.Context, streams *iostreams.IOStreams) (*watchOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	if err := streams.SetColorMode(c.String("color"), os.Getenv); err != nil {
		return nil, usageErr(errSubFormat, err.Error())
	}
	conn, err := parseConn(c, systemConnEnv(streams))
	if err != nil {
		return nil, err
	}
	// Reconnecting is said in the header, not on stderr: the screen is the terminal's.
	quietReconnect := *conn
	quietReconnect.Quiet = true
	if perr := parseReconnect(c, &quietReconnect, streams); perr != nil {
		return nil, perr
	}
	conn.Session.Reconnect = quietReconnect.Session.Reconnect
	o := &watchOptions{conn: conn, Topics: stringSlice(c, "topic"), FilterOut: stringSlice(c, "filter-out"),
		SkipRetained: c.Bool("R"), Color: streams.ColorOut}
	if conn.URLTopic != nil {
		o.Topics = append(o.Topics, *conn.URLTopic)
	}
	if len(o.Topics) == 0 {
		o.Topics = []string{"#"}
	}
	var perr *problem
	if o.QoS, perr = parseQoS(c.String("qos")); perr != nil {
		return nil, perr
	}
	for _, t := range o.Topics {
		if perr = checkTopic(t, true, "-t", errSubFilter); perr != nil {
			return nil, perr
		}
	}
	for _, t := range o.FilterOut {
		if perr = checkTopic(t, true, "-T", errSubFilterOut); perr != nil {
			return nil, perr
		}
	}
	for _, f := range []string{"proto", "type", "proto-path", "avro-schema"} {
		if isSet(c, f) && !isSet(c, "decode") {
			return nil, usageErr(errSubFormat, fmt.Sprintf("--%s says how --decode reads payloads: add --decode %s.", f, schemaFormat(f)))
		}
	}
	format := codec.Auto
	if isSet(c, "decode") {
		format, o.Decode = c.String("decode"), true
	}
	o.newDecoder = func() (*codec.Decoder, error) { return codec.NewDecoder(codecOptions(c, format)) }
	if _, err := o.newDecoder(); err != nil {
		return nil, codecErr("--decode", err)
	}
	if isSet(c, "filter") {
		if o.Filter, perr = compileJQ("filter", c.String("filter")); perr != nil {
			return nil, perr
		}
	}
	if isSet(c, "field") {
		if o.Field, perr = compileJQ("field", c.String("field")); perr != nil {
			return nil, perr
		}
	}
	if !streams.OutTTY {
		return nil, &problem{id: errWatchNoTerminal}
	}
	return o, nil
}

// storeConsumer counts what the receiver keeps into the view's store, on the session's reader: off the
// drawing path.
type storeConsumer struct{ store *watch.Store }

func (c storeConsumer) Message(m *message.Message) error { c.store.Add(m); return nil }
func (storeConsumer) Idle() error                        { return nil }

func runWatch(ctx context.Context, o *watchOptions, streams *iostreams.IOStreams) error {
	so := watch.StoreOptions{}
	if o.Field != nil {
		so.Number = jqNumber(ctx, o.Field, o.decoder())
	}
	if o.Decode {
		// The store decodes each message in order as it counts it: a Sparkplug B decoder needs every one.
		so.Decode = watchDecoder(o.decoder())
	}
	store := watch.NewStore(so)
	subs := make([]session.Subscription, len(o.Topics))
	for i, t := range o.Topics {
		subs[i] = session.Subscription{Filter: t, QoS: o.QoS}
		if o.SkipRetained {
			subs[i].RetainHandling = 2
		}
	}
	p := o.conn.Props
	ro := receive.Options{
		Subscriptions: subs, SubscribeProps: p.Subscribe, DisconnectProps: p.Disconnect,
		FilterOut: o.FilterOut, SkipRetained: o.SkipRetained, Consumer: storeConsumer{store},
	}
	if o.Filter != nil {
		ro.Filter = jqKeep(ctx, o.Filter, o.decoder())
	}
	r := receive.New(ro)
	opts := *o.conn
	opts.Session.OnMessage, opts.Session.OnIdle = r.Message, r.Idle
	opts.Session.ReadBatch = 0 // a person watches: every message at once
	opts.Session.OnEvent = func(e session.Event) { store.SetStatus(watchStatus(e)) }
	s, err := connect(ctx, &opts, streams)
	if err != nil {
		return err
	}
	view, stopView := context.WithCancel(ctx)
	defer stopView()
	received := make(chan error, 1)
	go func() {
		err := r.Run(view, s)
		if err != nil && view.Err() == nil {
			store.SetStatus("receiving ended: " + errorText(err))
		}
		received <- err
	}()
	vo := watch.Options{
		Title: watchTitle(o.conn.Session.Dial), Color: o.Color,
		ClearRetained: func(ctx context.Context, topic string) error {
			if err := s.Publish(ctx, &message.Message{Topic: topic, QoS: 1, Retain: true}); err != nil {
				return err
			}
			return s.Flush()
		},
	}
	in := streams.In
	if !streams.InTTY {
		in = nil // the keys come from the controlling terminal: `mqtt watch < file`
	}
	err = watch.Run(ctx, store, vo, in, streams.Out)
	stopView()
	rerr := <-received
	switch {
	case err != nil && ctx.Err() != nil:
		return nil // a signal: the view is gone, the session closed
	case err != nil:
		return fmt.Errorf("the view: %w", err)
	case rerr != nil && !errors.Is(rerr, context.Canceled):
		return receiveError(rerr)
	}
	return nil
}

// decoder is a decoder of its own for one goroutine; parseWatch has made one already, so it cannot fail.
func (o *watchOptions) decoder() *codec.Decoder {
	d, _ := o.newDecoder()
	return d
}

// watchStatus words a session event for the view's header; "" is all well.
func watchStatus(e session.Event) string {
	switch e := e.(type) {
	case session.ConnectionLost:
		return "connection lost (" + errorText(e.Err) + "); reconnecting"
	case session.Reconnecting:
		return fmt.Sprintf("disconnected; reconnecting (attempt %d)", e.Attempt)
	case session.SameIDSuspected:
		return fmt.Sprintf("another client uses the id %q", e.ClientID)
	}
	return ""
}

// watchTitle is where the view is connected, for its header.
func watchTitle(d transport.Dialer) string {
	if d.Scheme == transport.Unix {
		return d.UnixPath
	}
	host := d.Host
	if host == "" {
		host = "localhost"
	}
	port := d.Port
	if port == 0 {
		port = transport.DefaultPort(d.Scheme)
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
