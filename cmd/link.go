package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/mosqargs"
	"mqtt/internal/session"
)

// runLinked runs mqtt as the mosquitto client it is linked as: mosquitto's parser, checks, messages and
// default-options file, then mqtt's engine. Errors after the arguments are accepted are worded as
// mosquitto words them, except those mosquitto has no words for because it does not detect them
// (unacknowledged messages).
func runLinked(ctx context.Context, p mosqargs.Program, args []string, io *iostreams.IOStreams) int {
	cfg, exit := mosqargs.Load(p, args, os.Getenv, nil, io.In)
	if exit != nil {
		// stderr first: mosquitto's stderr is unbuffered and its stdout is flushed at exit, which is the
		// order a script capturing both (2>&1) sees.
		_, _ = io.ErrOut.Write(exit.Stderr)
		out := exit.Stdout
		if exit.Asked {
			// --version and --help name mqtt where mosquitto's name libmosquitto.
			out = mosqargs.NamingRuntime(out, "mqtt "+versionText())
		}
		_, _ = io.Out.Write(out)
		return exit.Code
	}
	conn, text := linkedConn(cfg)
	if text != "" {
		if !cfg.Quiet {
			fmt.Fprint(io.ErrOut, text)
		}
		return 1
	}
	var err error
	switch p {
	case mosqargs.Pub:
		err = runPub(ctx, linkedPub(cfg, conn), io)
	case mosqargs.Sub:
		err = runSub(ctx, linkedSub(cfg, conn), io)
	default:
		err = runRR(ctx, linkedRR(cfg, conn), io)
	}
	return reportLinked(io, p, cfg.Quiet, err)
}

func linkedPub(c *mosqargs.Config, conn *connOptions) *pubOptions {
	o := &pubOptions{conn: conn, Retain: c.Retain, Repeat: c.RepeatCount, RepeatDelay: c.RepeatDelay, WarnRefused: true}
	o.QoS = byte(c.QoS)
	if c.Topic != nil {
		o.Topic = *c.Topic
	}
	switch c.MessageMode {
	case mosqargs.MsgStdinLine:
		o.Mode = modeLines
	case mosqargs.MsgNull:
		o.Mode = modeNull
	default:
		// -m, -f and -s were read by mosquitto's loader.
		o.Mode, o.Message = modeMessage, c.Message
	}
	return o
}

func linkedFormat(c *mosqargs.Config) *format.Formatter {
	o := format.Options{Verbose: c.Verbose, NoEOL: !c.EOL, Pretty: c.Pretty}
	var f *format.Formatter
	var err error
	if c.Format != nil {
		f, err = format.Compile(*c.Format, o)
	} else {
		f, err = format.New(o)
	}
	if err != nil { // mosquitto's loader checked the format already
		f, _ = format.New(format.Options{})
	}
	return f
}

func linkedSub(c *mosqargs.Config, conn *connOptions) *subOptions {
	// libmosquitto's loop reconnects mosquitto_sub for ever, a second apart, and says nothing.
	conn.Session.Reconnect = &session.Reconnect{MaxDelay: time.Second}
	return &subOptions{
		conn: conn, Topics: c.Topics, FilterOut: c.FilterOuts, Unsubscribe: c.UnsubTopics, QoS: byte(c.QoS),
		Count: c.MsgCount, Timeout: time.Duration(c.Timeout) * time.Second, SkipRetained: c.NoRetain,
		ExitAfterSubscribe: c.ExitAfterSub, RemoveRetained: c.RemoveRetained, RetainedOnly: c.RetainedOnly,
		RetainAsPublished: c.RetainAsPublished, RandomFilter: c.RandomFilter, Format: linkedFormat(c),
	}
}

func linkedRR(c *mosqargs.Config, conn *connOptions) *rrOptions {
	o := &rrOptions{conn: conn, Format: linkedFormat(c), Timeout: time.Duration(c.Timeout) * time.Second}
	o.QoS, o.Mode = byte(c.QoS), modeMessage
	if c.Topic != nil {
		o.Topic = *c.Topic
	}
	if c.MessageMode == mosqargs.MsgCmdLine {
		o.Message = c.Message // mosquitto_rr sends -f and -s requests empty: it never reads them
	}
	if c.ResponseTopic != nil {
		o.ResponseTopic = *c.ResponseTopic
	}
	return o
}

// reportLinked prints err as the mosquitto program would and returns its exit code.
func reportLinked(io *iostreams.IOStreams, p mosqargs.Program, quiet bool, err error) int {
	if err == nil {
		return 0
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.connack && !quiet {
			msg := e.msg
			if e.unsupported && p == mosqargs.RR {
				msg = strings.TrimSuffix(msg, textUnsupportedV5) + textUnsupportedV5RR
			}
			fmt.Fprintln(io.ErrOut, msg)
			return e.code
		}
	}
	if text, code, ok := mosquittoRuntime(err); ok {
		if !quiet {
			fmt.Fprint(io.ErrOut, text)
		}
		return code
	}
	if errors.As(err, &e) {
		if e.msg != "" && !quiet {
			fmt.Fprintln(io.ErrOut, e.msg)
		}
		return e.code
	}
	if quiet {
		return 1
	}
	return report(io, p.Name(), err)
}
