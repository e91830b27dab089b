package broker

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/wire"
)

// eventLog writes a line for each client that connects, is refused, disconnects, subscribes or
// unsubscribes: what a user watching a development broker wants to see, in words.
type eventLog struct {
	mqtt.HookBase
	now func() time.Time
	// schemes names the transport of each listener, by listener id.
	schemes map[string]string
	// closing is set once the broker is stopping.
	closing atomic.Bool
	mu      sync.Mutex
	w       io.Writer
}

func (h *eventLog) ID() string { return "event-log" }

const eventLogEvents hookEvents = 1<<mqtt.OnSessionEstablish | 1<<mqtt.OnDisconnect | 1<<mqtt.OnSubscribed |
	1<<mqtt.OnUnsubscribed | 1<<mqtt.OnClientExpired // OnPacketEncode comes through packetRoutes

func (h *eventLog) Provides(b byte) bool { return eventLogEvents.has(b) }

func (h *eventLog) printf(format string, args ...any) {
	line := h.now().Format("2006-01-02 15:04:05.000 ") + fmt.Sprintf(format, args...) + "\n"
	h.mu.Lock()
	defer h.mu.Unlock()
	io.WriteString(h.w, line)
}

// OnSessionEstablish comes once the client is let in and before its CONNACK is sent, so a client
// that has its CONNACK knows the line is written.
func (h *eventLog) OnSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	var b strings.Builder
	fmt.Fprintf(&b, "client %q connected%s over %s: MQTT %s", cl.ID, from(cl), h.schemes[cl.Net.Listener],
		versionName(cl.Properties.ProtocolVersion))
	switch {
	case !pk.Connect.Clean:
		b.WriteString(", persistent session")
	case cl.Properties.ProtocolVersion == 5:
		b.WriteString(", clean start")
	default:
		b.WriteString(", clean session")
	}
	fmt.Fprintf(&b, ", keep-alive %ds", cl.State.Keepalive)
	if pk.Connect.UsernameFlag {
		fmt.Fprintf(&b, ", user %q", pk.Connect.Username)
	}
	h.printf("%s", b.String())
}

// OnPacketEncode sees the CONNACK of a refused client, which no other hook is told about.
func (h *eventLog) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type != packets.Connack {
		return pk
	}
	refused := wire.Failed(pk.ReasonCode)
	if pk.ProtocolVersion < 5 {
		refused = pk.ReasonCode != 0
	}
	if refused {
		h.printf("client %q%s%s refused: %s", cl.ID, from(cl), user(cl), wire.ConnackText(pk.ProtocolVersion, pk.ReasonCode))
	}
	return pk
}

// user names the user a client logged in as, or says it sent no name; never the password.
func user(cl *mqtt.Client) string {
	if cl.Properties.Username == nil {
		return " with no user name"
	}
	return fmt.Sprintf(" as user %q", cl.Properties.Username)
}

// denied tells of a publish or will the ACL dropped.
func (h *eventLog) denied(cl *mqtt.Client, what, topic string) {
	h.printf("client %q%s denied %s to %q by the ACL", cl.ID, user(cl), what, topic)
}

// notRetained tells of a retained publish past the limits on retained messages.
func (h *eventLog) notRetained(cl *mqtt.Client, topic string) {
	h.printf("client %q: message to %q delivered but not retained: the retained-message limit is reached", cl.ID, topic)
}

// dropping tells that messages for a client are being dropped, as mosquitto's "Outgoing messages
// are being dropped for client": once a connection, or once while it is offline.
func (h *eventLog) dropping(cl *mqtt.Client, why string) {
	h.printf("outgoing messages are being dropped for client %q: %s", cl.ID, why)
}

// OnDisconnect tells why the client went. The cause mochi recorded comes first: when the broker ends
// a connection (shutting down, a session taken over), err is only what reading it then returned.
func (h *eventLog) OnDisconnect(cl *mqtt.Client, err error, _ bool) {
	if cl.Net.Conn == nil {
		return // a session read back from the store at start, never connected here
	}
	if cause := cl.StopCause(); cause != nil {
		err = cause
	}
	// mochi writes DISCONNECT before it ends the connection, and a client that closes its end at
	// once may be seen first, as if it had gone on its own.
	if h.closing.Load() && errors.Is(err, io.EOF) {
		err = packets.ErrServerShuttingDown
	}
	switch {
	case err == nil || errors.Is(err, packets.CodeDisconnect):
		h.printf("client %q disconnected", cl.ID)
	case errors.Is(err, io.EOF):
		h.printf("client %q closed the connection without DISCONNECT", cl.ID)
	default:
		h.printf("client %q disconnected: %v", cl.ID, err)
	}
}

// OnClientExpired is a session that outlived its expiry, as mosquitto's "Expiring client".
func (h *eventLog) OnClientExpired(cl *mqtt.Client) {
	h.printf("client %q: session expired", cl.ID)
}

func (h *eventLog) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	for i, f := range pk.Filters {
		if i >= len(codes) {
			break
		}
		if !wire.Failed(codes[i]) {
			h.printf("client %q subscribed to %q at QoS %d", cl.ID, f.Filter, codes[i])
		} else {
			h.printf("client %q refused subscription to %q: %s", cl.ID, f.Filter, wire.ReasonText(codes[i]))
		}
	}
}

func (h *eventLog) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	if cl.Closed() {
		return // mochi dropping a clean session's subscriptions: the disconnect was the news
	}
	for _, f := range pk.Filters {
		h.printf("client %q unsubscribed from %q", cl.ID, f.Filter)
	}
}

// from names the client's address; a client on a unix socket has none.
func from(cl *mqtt.Client) string {
	if cl.Net.Remote == "" || cl.Net.Remote == "@" {
		return ""
	}
	return " from " + cl.Net.Remote
}

func versionName(v byte) string {
	switch v {
	case 3:
		return "3.1"
	case 4:
		return "3.1.1"
	}
	return fmt.Sprint(v)
}
