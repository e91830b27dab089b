// Package cmd is mqtt's command line: flags become options, and each command's run function does the
// work over injected streams. No protocol code lives here.
package cmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
	"mqtt/internal/mosqargs"
)

// Run is main: it runs the command line args over the process's streams and returns the exit code.
func Run(args []string) int {
	ctx, stop := signalContext()
	defer stop()
	// A closed stdout (`mqtt sub | head -1`) is an EPIPE error to end on quietly, not a signal that kills
	// the process before it can disconnect cleanly.
	signal.Ignore(syscall.SIGPIPE)
	return RunWith(ctx, args, iostreams.System())
}

// RunWith runs args (args[0] is the program name) over the given streams.
func RunWith(ctx context.Context, args []string, io *iostreams.IOStreams) int {
	if p, ok := mosqargs.ProgramFromName(args[0]); ok {
		return runLinked(ctx, p, args[1:], io)
	}
	// Until a command's --color says otherwise, stderr is coloured by the usual rules.
	_ = io.SetColorMode("auto", os.Getenv)
	app := newApp(io, args[1:]...)
	prog := commandPath(app, args)
	takesValue := valueFlags(app, args)
	args, perr := optionsFileArgs(args, takesValue, os.ReadFile)
	if perr != nil {
		return report(io, prog, perr)
	}
	joined, perr := joinPropertyArgs(profileArgs(args), takesValue)
	if perr != nil {
		return report(io, prog, perr)
	}
	flags := commandFlags(app, args)
	ctx = context.WithValue(ctx, flagCountsKey{}, flagCounts(joined, flags, takesValue))
	joined = longNames(joined, flags, takesValue)
	err := app.RunContext(ctx, joined)
	return report(io, prog, unknownCommand(app, prog, optionBeforeCommand(app, asGiven(err, args), args)))
}

// command is one of the program's commands, by name, and how to build it.
type command struct {
	name  string
	build func(*iostreams.IOStreams) *cli.Command
}

// commands are the program's commands, in --help's order.
func commands() []command {
	return []command{{"pub", pubCommand}, {"sub", subCommand}, {"rr", rrCommand}, {"watch", watchCommand}, {"bench", benchCommand}, {"broker", brokerCommand},
		{"profile", profileCommand}, {"completion", completionCommand}, {"man", manCommand}}
}

var setHelpFlags sync.Once

// newApp is the program. When args (the command line after the program's name) start with a command's
// name, only that command is built: the others' flags, which it never reads, cost a one-message pub
// 0.3 of its 4.9 million instructions and 20 of its 690 page faults. Help, completion and the manual
// see every command.
func newApp(io *iostreams.IOStreams, args ...string) *cli.App {
	setHelpFlags.Do(func() {
		// urfave/cli makes -h help and -v version, in package variables; mosquitto's -h is the host and
		// mosquitto_sub's -v is verbose.
		cli.HelpFlag = named(&cli.BoolFlag{Name: "help", Usage: "show help"})
		cli.VersionFlag = named(&cli.BoolFlag{Name: "version", Usage: "print the version"})
		cli.HelpPrinter, cli.FlagStringer = printHelp, flagString
	})
	app := &cli.App{
		Name:                      "mqtt",
		Usage:                     "publish, subscribe and request/response over MQTT 3.1, 3.1.1 and 5",
		Version:                   versionText(),
		Reader:                    io.In,
		Writer:                    io.Out,
		ErrWriter:                 io.ErrOut,
		DisableSliceFlagSeparator: true, // a topic may contain a comma
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			if errors.Is(err, flag.ErrHelp) {
				return showHelp(c) // -h where it is not the host
			}
			return flagError(c, err)
		},
	}
	all := commands()
	only := slices.IndexFunc(all, func(c command) bool { return len(args) > 0 && c.name == args[0] })
	for i, c := range all {
		if only < 0 || i == only {
			app.Commands = append(app.Commands, c.build(io))
		}
	}
	for _, c := range app.Commands {
		withVersionFlag(c, io.Out)
	}
	var prepare func([]*cli.Command)
	prepare = func(cs []*cli.Command) {
		for _, c := range cs {
			c.OnUsageError = app.OnUsageError
			if c.Before == nil {
				c.Before = rememberSetFlags
			}
			withNames(c.Flags)
			withoutFlagActions(c)
			prepare(c.Subcommands)
		}
	}
	prepare(app.Commands)
	return app
}

// flagError rewords the flag package's errors as mosquitto's.
func flagError(c *cli.Context, err error) error {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return unknownOption(f, c.Command.Flags)
	}
	if f, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageErr(errMissingArg, f, argNoun(f))
	}
	return usageErr(errProperty, msg)
}

// exitError ends a run with a code other than 1, after printing its message (if any).
type exitError struct {
	code int
	msg  string
	// connack marks a refused connection; unsupported, one refused for MQTT 5, which mosquitto_rr words
	// with a hint of its own.
	connack, unsupported bool
	// cause is the error it words, for linked mode to word it as mosquitto does.
	cause error
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) Unwrap() error { return e.cause }

func report(io *iostreams.IOStreams, prog string, err error) int {
	if err == nil {
		return 0
	}
	var p *problem
	if errors.As(err, &p) {
		fmt.Fprintln(io.ErrOut, label(io, "Error: "+oneLine(p.Error())))
		if p.note != "" {
			fmt.Fprintln(io.ErrOut, label(io, "Note: "+p.note+"."))
		}
		if p.usage {
			fmt.Fprintf(io.ErrOut, "Use '%s --help' to see usage.\n", prog)
		}
		return 1
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.msg != "" {
			fmt.Fprintln(io.ErrOut, label(io, e.msg))
		}
		return e.code
	}
	fmt.Fprintln(io.ErrOut, label(io, "Error: "+oneLine(errorText(err))))
	var n *notedError
	if errors.As(err, &n) {
		fmt.Fprintln(io.ErrOut, label(io, "Note: "+n.note+"."))
	}
	return 1
}

// oneLine escapes, Go-style, the control characters and bytes that are not UTF-8 in a message that
// echoes what the user gave (-q $'1\n'), so that an error stays one line and cannot move the cursor.
func oneLine(msg string) string {
	if !strings.ContainsFunc(msg, unicode.IsControl) && utf8.ValidString(msg) {
		return msg
	}
	var b strings.Builder
	for i, r := range msg {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(msg[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, msg[i])
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func argNoun(flag string) string {
	switch strings.TrimLeft(flag, "-") {
	case "t", "topic", "will-topic", "e", "T", "U", "filter-out", "unsubscribe":
		return "topic"
	case "m", "message", "will-payload":
		return "message"
	case "f", "file", "cafile", "cert", "key", "password-file":
		return "file"
	case "h", "host":
		return "host"
	case "p", "port":
		return "port"
	case "q", "qos", "will-qos":
		return "QoS"
	case "i", "id":
		return "id"
	case "u", "username":
		return "username"
	case "P", "pw":
		return "password"
	case "k", "keepalive":
		return "keepalive"
	case "V", "protocol-version":
		return "protocol version"
	case "F", "format":
		return "format"
	case "L", "url":
		return "URL"
	case "profile":
		return "profile"
	}
	return "value"
}

// valueFlags names every flag of the command in args[1] that takes a value, without dashes (see
// dashless), so that the -D rewriting leaves `-m -D` (a message that reads "-D") alone.
func valueFlags(app *cli.App, args []string) map[string]bool {
	out := map[string]bool{}
	if len(args) < 2 {
		return out
	}
	c := app.Command(args[1])
	if c == nil {
		return out
	}
	for _, f := range c.Flags {
		if _, isBool := unwrapFlag(f).(*cli.BoolFlag); isBool {
			continue
		}
		for _, n := range f.Names() {
			out[n] = true
		}
	}
	return out
}
