package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
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
	Config  broker.Config
	Verbose bool
	// Warnings are said on stderr before the broker starts: settings that work but are unsafe.
	Warnings []string
}

const brokerDescription = `A broker for development, tests and a house: MQTT 3.1, 3.1.1 and 5 on every listener, until
SIGINT or SIGTERM. It prints "listening on URL" on stderr for each listener once it accepts connections.

--listen takes tcp://HOST:PORT, tls://HOST:PORT, ws://HOST:PORT, wss://HOST:PORT or unix://PATH and may be
repeated. The default is ` + defaultListen + `. A missing port is the scheme's usual one (1883, 8883, 80, 443);
port 0 picks a free one and the line printed says which. WebSocket answers on any request path; a browser
page may connect only from the listener's own host, or from an origin given with --ws-allow-origin.

--password-file names a file of "name:password" lines (# starts a comment). The password is plain text, a
bcrypt hash ($2a$, $2b$, $2y$; e.g. from "htpasswd -nbB name password") or a mosquitto_passwd hash ($6$, $7$),
so a mosquitto password file works as it is. With the file, clients must log in with a name and password from
it (--allow-anonymous lets clients that send no name in too); others are refused with "not authorised". Without
it, every client is let in.

--acl-file names a file in mosquitto's acl_file format: "topic [read|write|readwrite|deny] FILTER" lines for
the clients with no user name, then "user NAME" followed by that user's lines, and "pattern ..." lines for
everyone, where %c is the client id and %u the user name. Read and write are checked as mosquitto 2.0 checks
them: a denied publish is dropped (refused with 0x87 on MQTT 5 at QoS 1 and 2), a denied will is not sent, a
message a subscriber may not read is not delivered to it, retained ones included; every subscription is
granted. Without the file, every client may publish and subscribe to anything.

--cafile with --require-certificate makes the tls:// and wss:// listeners ask for a client certificate signed
by that CA; --use-identity-as-username then takes the certificate's CN as the user name (the password file
is not asked).

--store DIR keeps sessions (subscriptions, and the QoS 1 and 2 messages in flight or queued for clients with
a persistent session) and retained messages in DIR/` + broker.StoreFile + ` across restarts, each change written
before it is acknowledged, so a broker killed with kill -9 loses nothing it had acknowledged. --store FILE.json
(or an existing file) keeps only the retained messages, as JSON, written at most once a second.

-c FILE reads a mosquitto.conf: listener, cafile, certfile, keyfile, require_certificate,
use_identity_as_username, password_file, acl_file, allow_anonymous (false by default, as in mosquitto),
persistence, persistence_location, persistent_client_expiration, max_queued_messages and
max_inflight_messages; any other line is an error. Flags given as well take precedence, and --listen adds
listeners.

Limits: packets of at most --max-packet-size bytes (1 MiB by default), CONNECT within 10 s of connecting,
--max-connections at once (no limit by default), --max-sessions sessions in all, connected or kept for a
client that comes back (10,000 by default; past it a new client is refused), each kept no longer than
--persistent-client-expiration (as mosquitto's: 12h, 14d, 2w, 6m, 1y; by default as long as the client
asked), 10,000 subscriptions per client, 100,000 retained messages of 256 MiB in all, wills included.

Delivery, as mosquitto's: at most --max-inflight QoS 1 and 2 messages (20; an MQTT 5 client's receive
maximum takes its place) are sent to a client and not yet acknowledged; --max-queued-messages more (8172)
wait for room, or for an offline client to come back; past them a message for that client is dropped, and
-v says so once. 0 is no limit for both.

$SYS/broker/... topics (version, uptime, clients, messages, ...) are published every second.`

func brokerCommand(streams *iostreams.IOStreams) *cli.Command {
	return &cli.Command{
		Name:        "broker",
		Usage:       "run an MQTT broker",
		UsageText:   "mqtt broker [-c FILE] [--listen URL ...] [--cert FILE --key FILE] [--password-file FILE] [--acl-file FILE] [--store DIR] [-v]",
		Description: brokerDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config-file", Aliases: []string{"c"}, Usage: "read the settings of a mosquitto.conf `FILE` (the subset above)"},
			&cli.StringSliceFlag{Name: "listen", Usage: "accept clients at `URL` (repeatable; default " + defaultListen + ")"},
			&cli.StringFlag{Name: "cert", Usage: "certificate `FILE` (PEM) of the tls:// and wss:// listeners"},
			&cli.StringFlag{Name: "key", Usage: "private key `FILE` (PEM) of --cert"},
			&cli.StringFlag{Name: "cafile", Usage: "CA certificates `FILE` (PEM) that client certificates must be signed by"},
			&cli.BoolFlag{Name: "require-certificate", Usage: "on tls:// and wss:// listeners, let in only clients with a certificate signed by --cafile"},
			&cli.BoolFlag{Name: "use-identity-as-username", Usage: "with --require-certificate, the certificate's CN is the client's user name"},
			&cli.StringFlag{Name: "password-file", Usage: "let in only the users of `FILE` (name:password lines)"},
			&cli.BoolFlag{Name: "allow-anonymous", Usage: "with --password-file, let in clients that send no user name too"},
			&cli.StringFlag{Name: "acl-file", Usage: "who may read and write which topics: a mosquitto acl_file `FILE`"},
			&cli.StringFlag{Name: "store", Usage: "keep sessions and retained messages in `DIR` across restarts (FILE.json: retained only)"},
			&cli.UintFlag{Name: "max-packet-size", Usage: "refuse packets larger than `BYTES` (default 1048576)"},
			&cli.IntFlag{Name: "max-connections", Usage: "accept at most `N` connections at once (default no limit)"},
			&cli.IntFlag{Name: "max-sessions", Usage: "hold at most `N` sessions, connected or kept (default 10000; 0 no limit)"},
			&cli.StringFlag{Name: "persistent-client-expiration", Usage: "end a session its client has left for `DURATION` (12h, 14d, 2w, 6m, 1y)"},
			&cli.IntFlag{Name: "max-inflight", Usage: "send a client at most `N` QoS 1 and 2 messages unacknowledged, unless its receive maximum says (default 20; 0 no limit)"},
			&cli.IntFlag{Name: "max-queued-messages", Usage: "keep at most `N` more QoS 1 and 2 messages per client waiting, past which they are dropped (default 8172; 0 no limit)"},
			&cli.StringSliceFlag{Name: "ws-allow-origin", Usage: "let browser pages from `ORIGIN` (https://host:port, or *) use the ws:// and wss:// listeners"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log connects, refusals, disconnects, subscriptions, ACL denials and dropped messages on stderr"},
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

// brokerTLS is the TLS of the tls:// and wss:// listeners, from flags or a listener of the file.
type brokerTLS struct {
	cert, key, ca string
	require       bool
	identity      bool
}

func (t brokerTLS) check(where string) error {
	switch {
	case t.require && t.ca == "":
		return fmt.Errorf("%s: require_certificate needs the CA that signs client certificates: give --cafile FILE", where)
	case t.identity && !t.require:
		return fmt.Errorf("%s: use_identity_as_username needs client certificates: add --require-certificate", where)
	}
	return nil
}

func parseBroker(c *cli.Context) (*brokerOptions, error) {
	if c.Args().Present() {
		return nil, usageErr(errExtraArg, c.Args().First())
	}
	o := &brokerOptions{Verbose: c.Bool("verbose")}
	file := &broker.FileConfig{}
	if path := c.String("config-file"); path != "" {
		var err error
		if file, err = broker.LoadFileConfig(path); err != nil {
			return nil, fmt.Errorf("reading the config file: %w", err)
		}
	}
	cfg := &o.Config
	// --listen first: a script that gives one listener URL finds it on the first line printed.
	if err := flagListeners(cfg, c, len(file.Listeners) == 0); err != nil {
		return nil, err
	}
	if err := fileListeners(cfg, file); err != nil {
		return nil, err
	}
	if err := brokerAccess(o, c, file); err != nil {
		return nil, err
	}
	switch store := c.String("store"); {
	case store != "":
		if info, err := os.Stat(store); strings.HasSuffix(store, ".json") || (err == nil && !info.IsDir()) {
			cfg.RetainedFile = store
		} else {
			cfg.StoreDir = store
		}
	case file.Persistence:
		cfg.StoreDir = file.PersistenceLocation
		if cfg.StoreDir == "" {
			cfg.StoreDir = "."
		}
	}
	lim := &cfg.Limits
	lim.MaxPacketSize = uint32(c.Uint("max-packet-size"))
	lim.MaxConnections = c.Int("max-connections")
	lim.MaxInflight = mosquittoCount(file.MaxInflight, c, "max-inflight")
	lim.MaxQueued = mosquittoCount(file.MaxQueued, c, "max-queued-messages")
	lim.MaxSessions = mosquittoCount(nil, c, "max-sessions")
	for _, name := range []string{"max-connections", "max-sessions", "max-inflight", "max-queued-messages"} {
		if c.Int(name) < 0 {
			return nil, fmt.Errorf("--%s: want a count, not %d", name, c.Int(name))
		}
	}
	lim.SessionExpiry = file.PersistentClientExpiration
	if c.IsSet("persistent-client-expiration") {
		d, err := broker.ParseExpiration(c.String("persistent-client-expiration"))
		if err != nil {
			return nil, fmt.Errorf("--persistent-client-expiration: %w", err)
		}
		lim.SessionExpiry = d
	}
	return o, nil
}

// mosquittoCount reads a limit where 0 is no limit, as mosquitto's: broker.Limits takes that as
// a negative number and 0 as its default. The flag wins over the file.
func mosquittoCount(fromFile *int, c *cli.Context, flag string) int {
	v, set := 0, false
	if fromFile != nil {
		v, set = *fromFile, true
	}
	if c.IsSet(flag) {
		v, set = c.Int(flag), true
	}
	if set && v == 0 {
		return -1
	}
	return v
}

// fileListeners adds the listeners of a config file: tls when it has a certificate, unix for
// port 0 and a path, tcp otherwise; with no address, on every interface, as mosquitto.
func fileListeners(cfg *broker.Config, file *broker.FileConfig) error {
	for i, fl := range file.Listeners {
		where := fmt.Sprintf("listener %d", fl.Port)
		l := broker.Listener{Scheme: transport.TCP, Addr: net.JoinHostPort(fl.Address, fmt.Sprint(fl.Port))}
		if fl.Port == 0 {
			l = broker.Listener{Scheme: transport.Unix, Addr: fl.Address}
		}
		t := brokerTLS{cert: fl.CertFile, key: fl.KeyFile, ca: fl.CAFile, require: fl.RequireCertificate, identity: fl.UseIdentityAsUsername}
		if err := t.check(where); err != nil {
			return fmt.Errorf("reading the config file: %w", err)
		}
		switch {
		case (t.cert == "") != (t.key == ""):
			return fmt.Errorf("reading the config file: %s: a TLS listener needs both certfile and keyfile", where)
		case t.cert != "":
			l.Scheme = transport.TLS
			tc, err := broker.ServerTLS(t.cert, t.key, t.ca, t.require)
			if err != nil {
				return err
			}
			l.TLS, l.IdentityAsUsername = tc, t.identity
		case t.require || t.identity:
			return fmt.Errorf("reading the config file: listener %d (number %d) has require_certificate or use_identity_as_username but no certfile and keyfile", fl.Port, i+1)
		}
		cfg.Listeners = append(cfg.Listeners, l)
	}
	return nil
}

// flagListeners adds the --listen listeners, or the default one when neither they nor the config
// file name any.
func flagListeners(cfg *broker.Config, c *cli.Context, orDefault bool) error {
	urls := c.StringSlice("listen")
	if len(urls) == 0 && orDefault {
		urls = []string{defaultListen}
	}
	t := brokerTLS{cert: c.String("cert"), key: c.String("key"), ca: c.String("cafile"),
		require: c.Bool("require-certificate"), identity: c.Bool("use-identity-as-username")}
	secure := ""
	start := len(cfg.Listeners)
	for _, u := range urls {
		l, err := broker.ParseListen(u)
		if err != nil {
			return fmt.Errorf("--listen: %w", err)
		}
		if l.Scheme == transport.TLS || l.Scheme == transport.WSS {
			secure = u
		}
		l.AllowOrigins = c.StringSlice("ws-allow-origin")
		cfg.Listeners = append(cfg.Listeners, l)
	}
	switch {
	case secure != "" && (t.cert == "" || t.key == ""):
		return fmt.Errorf("--listen %s needs the server's certificate and key: add --cert FILE --key FILE", secure)
	case secure == "" && (t.cert != "" || t.key != ""):
		return errors.New("--cert and --key are for tls:// and wss:// listeners: add one, e.g. --listen tls://localhost:8883")
	case secure == "" && (t.require || t.identity):
		return errors.New("--require-certificate and --use-identity-as-username are for tls:// and wss:// listeners: add one, e.g. --listen tls://localhost:8883")
	case secure == "":
		return nil
	}
	if err := t.check("--listen " + secure); err != nil {
		return errors.New(strings.NewReplacer("require_certificate", "--require-certificate", "use_identity_as_username", "--use-identity-as-username").Replace(err.Error()))
	}
	tc, err := broker.ServerTLS(t.cert, t.key, t.ca, t.require)
	if err != nil {
		return err
	}
	for i := start; i < len(cfg.Listeners); i++ {
		if l := &cfg.Listeners[i]; l.Scheme == transport.TLS || l.Scheme == transport.WSS {
			l.TLS, l.IdentityAsUsername = tc, t.identity
		}
	}
	return nil
}

// brokerAccess reads the password and ACL files, and warns of what leaves the broker open.
func brokerAccess(o *brokerOptions, c *cli.Context, file *broker.FileConfig) error {
	cfg := &o.Config
	passwords := file.PasswordFile
	if c.IsSet("password-file") {
		passwords = c.String("password-file")
	}
	cfg.AllowAnonymous = c.Bool("allow-anonymous")
	if file.AllowAnonymous != nil && !c.IsSet("allow-anonymous") {
		cfg.AllowAnonymous = *file.AllowAnonymous
	}
	if passwords != "" {
		users, err := broker.LoadUsers(passwords)
		if err != nil {
			return fmt.Errorf("reading the password file: %w", err)
		}
		cfg.Users = users
		o.warnReadable(passwords, "password file")
	} else if c.IsSet("config-file") && !cfg.AllowAnonymous {
		// mosquitto 2.0 lets no one in with a config file that names no password file and does
		// not allow anonymous clients; only certificates with use_identity_as_username remain.
		cfg.Users = broker.NoUsers()
	}
	aclFile := file.ACLFile
	if c.IsSet("acl-file") {
		aclFile = c.String("acl-file")
	}
	if aclFile != "" {
		acl, err := broker.LoadACL(aclFile)
		if err != nil {
			return fmt.Errorf("reading the ACL file: %w", err)
		}
		cfg.ACL = acl
		o.warnReadable(aclFile, "ACL file")
	}
	if cfg.Users == nil || cfg.AllowAnonymous {
		for _, l := range cfg.Listeners {
			if !l.IdentityAsUsername && !broker.LoopbackOnly(l) {
				what := "no --password-file"
				if cfg.Users != nil {
					what = "--allow-anonymous"
				}
				o.Warnings = append(o.Warnings, fmt.Sprintf("Warning: %s://%s can be reached from other machines and has %s: anyone who reaches it may connect.", l.Scheme, l.Addr, what))
			}
		}
	}
	return nil
}

// warnReadable warns of a file that other users of the machine can read.
func (o *brokerOptions) warnReadable(path, what string) {
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o004 != 0 {
		o.Warnings = append(o.Warnings, fmt.Sprintf("Warning: the %s %s can be read by every user of this machine: chmod o-r %s", what, path, path))
	}
}

// runBroker serves until ctx ends, then disconnects every client and returns.
func runBroker(ctx context.Context, o *brokerOptions, streams *iostreams.IOStreams) error {
	level := slog.LevelError
	if o.Verbose {
		level = slog.LevelWarn // mochi's word on clients that break the protocol
	}
	cfg := o.Config
	cfg.Logger = slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: level}))
	cfg.Version = "mqtt " + Version
	for _, w := range o.Warnings {
		fmt.Fprintln(streams.ErrOut, w)
	}
	if cfg.RetainedFile != "" {
		fmt.Fprintf(streams.ErrOut, "Note: --store %s keeps retained messages only; name a directory (--store %s) to keep sessions too.\n",
			cfg.RetainedFile, strings.TrimSuffix(filepath.Base(cfg.RetainedFile), filepath.Ext(cfg.RetainedFile)))
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
	for i := range cfg.Listeners {
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
