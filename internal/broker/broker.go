// Package broker runs an MQTT broker in-process, on github.com/mochi-mqtt/server/v2: for the
// `mqtt broker` command and for tests that need a broker without an outside process.
package broker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"mqtt/internal/transport"
)

// Listener is one address the broker accepts clients on.
type Listener struct {
	// Scheme is tcp, tls, ws, wss or unix.
	Scheme transport.Scheme
	// Addr is host:port, where port 0 picks a free port, or the socket path for unix.
	Addr string
	// TLS is the server configuration for tls and wss.
	TLS *tls.Config
}

// Config describes a broker.
type Config struct {
	Listeners []Listener
	// Logger receives mochi's log; nil discards it.
	Logger *slog.Logger
	// Users, when set, are the only clients let in, with AllowAnonymous those sending no user name
	// too. When nil, every client is let in, whatever credentials it sends.
	Users          *Users
	AllowAnonymous bool
	// RetainedFile, when set, keeps the retained messages across restarts: they are read from it at
	// Start (a missing file is an empty store) and written to it as they change.
	RetainedFile string
	// Events, when set, receives a line for each client that connects, is refused, disconnects,
	// subscribes or unsubscribes.
	Events io.Writer
	// Now is the clock of the Events lines; nil is time.Now.
	Now func() time.Time
	// Version is what $SYS/broker/version says, followed by mochi's version; empty says mochi's only.
	Version string
}

// Broker is a running broker. Every client let in may publish and subscribe to any topic.
type Broker struct {
	server    *mqtt.Server
	schemes   []transport.Scheme
	addrs     []string
	closeOnce sync.Once
}

// Start binds every listener and starts serving. When it returns, every listener accepts
// connections, so a client may connect at once.
func Start(cfg Config) (*Broker, error) {
	if len(cfg.Listeners) == 0 {
		return nil, errors.New("a broker needs at least one listener")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	caps := mqtt.NewDefaultServerCapabilities()
	// mochi's default drops every message, retained ones included, a day after it was published;
	// mosquitto keeps them until the publisher's own expiry, if any, and so does this broker.
	caps.MaximumMessageExpiryInterval = 0
	server := mqtt.New(&mqtt.Options{Logger: logger, Capabilities: caps})
	if cfg.Version != "" {
		server.Info.Version = cfg.Version + " (mochi-mqtt " + mqtt.Version + ")"
	}
	b := &Broker{server: server}
	if err := b.addHooks(cfg, logger); err != nil {
		b.Close()
		return nil, err
	}
	schemes := map[string]string{}
	for i, lc := range cfg.Listeners {
		id := fmt.Sprintf("%s%d", lc.Scheme, i)
		l, err := listen(id, lc)
		if err == nil {
			if err = server.AddListener(l); err != nil {
				l.Close(func(string) {})
			}
		}
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("listener %d (%s %s): %w", i, lc.Scheme, lc.Addr, err)
		}
		b.schemes = append(b.schemes, lc.Scheme)
		b.addrs = append(b.addrs, l.Address())
		schemes[id] = string(lc.Scheme)
	}
	if cfg.Events != nil {
		now := cfg.Now
		if now == nil {
			now = time.Now
		}
		if err := server.AddHook(&eventLog{w: cfg.Events, now: now, schemes: schemes}, nil); err != nil {
			b.Close()
			return nil, err
		}
	}
	if err := server.Serve(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// addHooks adds, in the order mochi calls them, the hooks that make mochi behave as this broker
// should: packet identifiers, who is let in, the flow to MQTT 5 clients, the retained-message store.
func (b *Broker) addHooks(cfg Config, logger *slog.Logger) error {
	hooks := []mqtt.Hook{newPacketIDs(), new(allowAll), new(sendQuota)}
	if cfg.Users != nil {
		hooks[1] = &passwordAuth{users: cfg.Users, anonymous: cfg.AllowAnonymous}
	}
	for _, h := range hooks {
		if err := b.server.AddHook(h, nil); err != nil {
			return err
		}
	}
	if cfg.RetainedFile == "" {
		return nil
	}
	if err := loadRetained(b.server, cfg.RetainedFile); err != nil {
		return fmt.Errorf("reading retained messages: %w", err)
	}
	return b.server.AddHook(newRetainedStore(cfg.RetainedFile, b.server.Topics, logger), nil)
}

// Addr returns the address listener i is bound to, with the port it was given when the
// configuration asked for port 0, or its socket path.
func (b *Broker) Addr(i int) string { return b.addrs[i] }

// Server returns the mochi server, for hooks and inline clients.
func (b *Broker) Server() *mqtt.Server { return b.server }

// Close disconnects every client, closes the listeners and waits for every connection to end. It
// may be called more than once.
func (b *Broker) Close() error {
	var err error
	b.closeOnce.Do(func() { err = b.server.Close() })
	return err
}
