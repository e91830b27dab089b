package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"

	"mqtt/internal/broker"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

// defaultListen is where `mqtt broker` listens with no --listen: where every client looks first.
const defaultListen = "tcp://localhost:1883"

// brokerOptions are `mqtt broker`'s flags after parsing.
type brokerOptions struct {
	Listeners      []broker.Listener
	Users          *broker.Users
	AllowAnonymous bool
	Store          string
	Verbose        bool
}

const brokerDescription = `A development broker: MQTT 3.1, 3.1.1 and 5 on every listener, until SIGINT or SIGTERM.
It prints "listening on URL" on stderr for each listener once it accepts connections.

--listen takes tcp://HOST:PORT, tls://HOST:PORT, ws://HOST:PORT, wss://HOST:PORT or unix://PATH and may be
repeated. The default is ` + defaultListen + `. A missing port is the scheme's usual one (1883, 8883, 80, 443);
port 0 picks a free one and the line printed says which. WebSocket answers on any request path.

--password-file names a file of "name:password" lines (# starts a comment). The password is plain text, a
bcrypt hash ($2a$, $2b$, $2y$; e.g. from "htpasswd -nbB name password") or a mosquitto_passwd hash ($6$, $7$),
so a mosquitto password file works as it is. With the file, clients must log in with a name and password from
it (--allow-anonymous lets clients that send no name in too); others are refused with "not authorised". Without
it, every client is let in. Every client let in may publish and subscribe to any topic.

--store keeps retained messages in FILE (JSON) across restarts; without it they live in memory only.

$SYS/broker/... topics (version, uptime, clients, messages, ...) are published every second.`

func brokerCommand(streams *iostreams.IOStreams) *cli.Command {
	return &cli.Command{
		Name:        "broker",
		Usage:       "run an MQTT broker for development and tests",
		UsageText:   "mqtt broker [--listen URL ...] [--cert FILE --key FILE] [--password-file FILE] [--store FILE] [-v]",
		Description: brokerDescription,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "listen", Usage: "accept clients at `URL` (repeatable; default " + defaultListen + ")"},
			&cli.StringFlag{Name: "cert", Usage: "certificate `FILE` (PEM) of the tls:// and wss:// listeners"},
			&cli.StringFlag{Name: "key", Usage: "private key `FILE` (PEM) of --cert"},
			&cli.StringFlag{Name: "password-file", Usage: "let in only the users of `FILE` (name:password lines)"},
			&cli.BoolFlag{Name: "allow-anonymous", Usage: "with --password-file, let in clients that send no user name too"},
			&cli.StringFlag{Name: "store", Usage: "keep retained messages in `FILE` across restarts"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log connects, disconnects and subscriptions on stderr"},
		},
		Action: func(c *cli.Context) error {
			opts, err := parseBroker(c)
			if err != nil {
				return err
			}
			return runBroker(c.Context, opts, streams)
		},
	}
}

func parseBroker(c *cli.Context) (*brokerOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	o := &brokerOptions{AllowAnonymous: c.Bool("allow-anonymous"), Store: c.String("store"), Verbose: c.Bool("verbose")}
	urls := c.StringSlice("listen")
	if len(urls) == 0 {
		urls = []string{defaultListen}
	}
	secure := ""
	for _, u := range urls {
		l, err := broker.ParseListen(u)
		if err != nil {
			return nil, fmt.Errorf("--listen: %w", err)
		}
		if l.Scheme == transport.TLS || l.Scheme == transport.WSS {
			secure = u
		}
		o.Listeners = append(o.Listeners, l)
	}
	cert, key := c.String("cert"), c.String("key")
	switch {
	case secure != "" && (cert == "" || key == ""):
		return nil, fmt.Errorf("--listen %s needs the server's certificate and key: add --cert FILE --key FILE", secure)
	case secure == "" && (cert != "" || key != ""):
		return nil, errors.New("--cert and --key are for tls:// and wss:// listeners: add one, e.g. --listen tls://localhost:8883")
	case secure != "":
		cfg, err := broker.ServerTLS(cert, key)
		if err != nil {
			return nil, err
		}
		for i := range o.Listeners {
			o.Listeners[i].TLS = cfg
		}
	}
	if f := c.String("password-file"); f != "" {
		users, err := broker.LoadUsers(f)
		if err != nil {
			return nil, fmt.Errorf("reading the password file: %w", err)
		}
		o.Users = users
	}
	return o, nil
}

// runBroker serves until ctx ends, then disconnects every client and returns.
func runBroker(ctx context.Context, o *brokerOptions, streams *iostreams.IOStreams) error {
	level := slog.LevelError
	if o.Verbose {
		level = slog.LevelWarn // mochi's word on clients that break the protocol
	}
	cfg := broker.Config{
		Listeners:      o.Listeners,
		Logger:         slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: level})),
		Users:          o.Users,
		AllowAnonymous: o.AllowAnonymous,
		RetainedFile:   o.Store,
		Version:        "mqtt " + Version,
	}
	// Events wait for the "listening on" lines, so that those come first, as a reader expects.
	events := &heldWriter{w: streams.ErrOut}
	events.mu.Lock()
	if o.Verbose {
		cfg.Events = events
	}
	b, err := broker.Start(cfg)
	if err != nil {
		events.mu.Unlock()
		return startError(err)
	}
	for i := range o.Listeners {
		fmt.Fprintf(streams.ErrOut, "listening on %s\n", b.URL(i))
	}
	events.mu.Unlock()
	<-ctx.Done()
	return b.Close()
}

// heldWriter serialises writes, and holds them back while its lock is held.
type heldWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.w.Write(p)
}

// startError adds what to do to the usual reasons a listener cannot bind.
func startError(err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%w (is another broker running? pick another port with --listen)", err)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%w (ports below 1024 need privileges: pick a higher port with --listen)", err)
	}
	return err
}
