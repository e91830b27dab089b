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

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/receive"
)

// The flags and the wiring that sub and rr share: how a received message is printed, and -W.

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

// formatErrors reports, on errOut, a message the format could not print in full: a %J payload that is
// not JSON once per %J, as mosquitto_sub does, and a %f or %d payload of the wrong size once; the rest
// of the line is still printed.
func formatErrors(errOut io.Writer) func(error) {
	return func(err error) {
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
	}
}

// messageErrOut is where a message's output problems (%J, %f) are said: nowhere with --quiet, as mosquitto's
// err_printf.
func messageErrOut(conn *connOptions, streams *iostreams.IOStreams) io.Writer {
	if conn.Quiet {
		return io.Discard
	}
	return streams.ErrOut
}

// errTimeout is -W running out: exit code 27, as mosquitto's MOSQ_ERR_TIMEOUT.
var errTimeout = &exitError{code: 27, msg: mqttText[errTimedOut]}

// deadlineAfter is when -W runs out, counted from now, the start: mosquitto's -W counts from the start;
// zero without -W.
func deadlineAfter(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}

// withDeadline bounds connecting by -W too.
func withDeadline(ctx context.Context, deadline time.Time) (context.Context, context.CancelFunc) {
	if deadline.IsZero() {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, deadline)
}

// timedOut turns an error caused by the -W deadline into the timeout.
func timedOut(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errTimeout
	}
	return err
}

// receiveError words the ends of receiving that the receiver reports as data.
func receiveError(err error) error {
	switch {
	case errors.Is(err, receive.ErrTimeout):
		return errTimeout
	case errors.Is(err, receive.ErrAllDenied):
		return &exitError{code: 1, msg: mqttText[errSubDenied]}
	}
	return err
}
