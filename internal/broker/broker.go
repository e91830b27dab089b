// Package broker runs an MQTT broker in-process, on github.com/mochi-mqtt/server/v2: for the
// `mqtt broker` command and for tests that need a broker without an outside process.
package broker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

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
	// AllowOrigins are the browser origins (scheme://host[:port], or "*") a ws or wss listener
	// accepts besides its own host's; clients that send no Origin are always accepted.
	AllowOrigins []string
	// IdentityAsUsername lets in only clients with a certificate, taking its CN as their user
	// name (for the ACL), as mosquitto's use_identity_as_username; Users are not asked. TLS
	// must then require a client certificate.
	IdentityAsUsername bool
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
	// ACL, when set, decides what each client may read and publish; nil allows everything.
	ACL *ACL
	// StoreDir, when set, keeps sessions and retained messages across restarts, in StoreFile
	// there.
	StoreDir string
	// RetainedFile, when set (and StoreDir not), keeps the retained messages across restarts:
	// they are read from it at Start (a missing file is an empty store) and written to it as they
	// change, at most once a second.
	RetainedFile string
	// Limits bound what clients can make the broker hold; zero values are the defaults.
	Limits Limits
	// Events, when set, receives a line for each client that connects, is refused, disconnects,
	// subscribes or unsubscribes.
	Events io.Writer
	// Now is the clock of the Events lines; nil is time.Now.
	Now func() time.Time
	// Version is what $SYS/broker/version says, followed by mochi's version; empty says mochi's only.
	Version string
}

// Broker is a running broker.
type Broker struct {
	server    *mqtt.Server
	schemes   []transport.Scheme
	addrs     []string
	events    *eventLog
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
	logger = slog.New(redacting{logger.Handler()})
	lim := cfg.Limits.withDefaults()
	caps := mqtt.NewDefaultServerCapabilities()
	// mochi's default drops every message, retained ones included, a day after it was published;
	// mosquitto keeps them until the publisher's own expiry, if any, and so does this broker.
	caps.MaximumMessageExpiryInterval = 0
	// mochi reads the claimed length of a packet into a buffer it allocates whole before a byte
	// of it arrives: the maximum keeps a client from claiming 256 MiB.
	caps.MaximumPacketSize = lim.MaxPacketSize
	// mochi copies a PUBLISH's properties (its user properties) into the PUBACK or PUBREC that
	// answers it; mosquitto does not.
	caps.Compatibilities.NoInheritedPropertiesOnAck = true
	// What is kept for each client is bounded by delivery, as mosquitto bounds it; mochi's own
	// bound, on everything in flight and queued at once, only as far as packet identifiers go.
	caps.MaximumInflight = math.MaxUint16
	caps.MaximumClientWritesPending = lim.writesPending()
	if lim.SessionExpiry > 0 {
		caps.MaximumSessionExpiryInterval = uint32(min(lim.SessionExpiry/time.Second, math.MaxUint32))
	}
	server := mqtt.New(&mqtt.Options{Logger: logger, Capabilities: caps})
	if cfg.Version != "" {
		server.Info.Version = cfg.Version + " (mochi-mqtt " + mqtt.Version + ")"
	}
	b := &Broker{server: server}
	events := newEventLog(cfg)
	b.events = events
	if err := b.addHooks(cfg, lim, logger, events); err != nil {
		b.Close()
		return nil, err
	}
	gate := &gate{max: int64(lim.MaxConnections), firstPacket: lim.ConnectTimeout}
	for i, lc := range cfg.Listeners {
		id := listenerID(lc, i)
		l, err := listen(id, lc, gate, closeClients(server))
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
		if events != nil {
			events.schemes[id] = string(lc.Scheme)
		}
	}
	if err := server.Serve(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func listenerID(lc Listener, i int) string { return fmt.Sprintf("%s%d", lc.Scheme, i) }

func newEventLog(cfg Config) *eventLog {
	if cfg.Events == nil {
		return nil
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &eventLog{w: cfg.Events, now: now, schemes: map[string]string{}}
}

// addHooks adds, in the order mochi calls them, the hooks that make mochi behave as this broker
// should: packet identifiers, who is let in and what they may do, a session's messages kept while
// a new connection takes it over (before anything else handles them), the flow to each client, the
// limits, the reason code of a publish nobody receives (before the session store, which delivers
// QoS 1 and 2 publishes itself), the stores, and last the event log, which then sees what the
// others decided. The packets read and written, and the messages published, reach them, in that
// order, through routes.
func (b *Broker) addHooks(cfg Config, lim Limits, logger *slog.Logger, events *eventLog) error {
	acc := &access{users: cfg.Users, anonymous: cfg.AllowAnonymous, identity: map[string]bool{}, acl: cfg.ACL,
		failDelay: lim.FailedLoginDelay}
	for i, lc := range cfg.Listeners {
		acc.identity[listenerID(lc, i)] = lc.IdentityAsUsername
	}
	if events != nil {
		acc.denied = events.denied
	}
	ids, flow, handover, noMatch := newPacketIDs(), newDelivery(lim, b.server, events), newHandover(b.server),
		newNoMatch(b.server.Topics)
	limiter := newLimiter(lim, b.server, events)
	routes := new(packetRoutes)
	routes.publish.access, routes.publish.order, routes.publish.limits, routes.publish.noMatch = acc, flow, limiter,
		noMatch
	routes.onRead(ids.OnPacketRead, packets.Subscribe, packets.Unsubscribe)
	routes.onRead(acc.OnPacketRead, packets.Publish)
	routes.onRead(flow.OnPacketRead, packets.Puback, packets.Pubrec, packets.Pubcomp)
	routes.onEncode(ids.OnPacketEncode, packets.Suback, packets.Unsuback)
	routes.onEncode(acc.OnPacketEncode, packets.Connack)
	routes.onEncode(handover.OnPacketEncode, packets.Connack)
	routes.onEncode(flow.OnPacketEncode, packets.Connack)
	routes.onEncode(noMatch.OnPacketEncode, packets.Puback)
	if events != nil {
		routes.onEncode(events.OnPacketEncode, packets.Connack)
	}
	hooks := []mqtt.Hook{routes, ids, acc, handover, flow, limiter, noMatch}
	for _, h := range hooks {
		if err := b.server.AddHook(h, nil); err != nil {
			return err
		}
	}
	switch {
	case cfg.StoreDir != "":
		store, err := openSessionStore(cfg.StoreDir, b.server)
		if err != nil {
			return err
		}
		flow.forgotten, handover.store = store.OnQosDropped, store
	case cfg.RetainedFile != "":
		if err := loadRetained(b.server, cfg.RetainedFile, lim); err != nil {
			return fmt.Errorf("reading retained messages: %w", err)
		}
		if err := b.server.AddHook(newRetainedStore(cfg.RetainedFile, b.server.Topics, logger), nil); err != nil {
			return err
		}
	}
	if events != nil {
		return b.server.AddHook(events, nil)
	}
	return nil
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
	b.closeOnce.Do(func() {
		if b.events != nil {
			b.events.closing.Store(true)
		}
		err = b.server.Close()
	})
	return err
}
