package broker

import (
	"math"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Limits bound what clients can make the broker hold. A zero field is its default; a negative
// one, where the comment says so, is no limit.
type Limits struct {
	// MaxPacketSize is the largest packet a client may send, in bytes; 1 MiB by default.
	MaxPacketSize uint32
	// ConnectTimeout is how long a new connection has to send CONNECT; 10 s by default.
	ConnectTimeout time.Duration
	// MaxConnections is how many connections may be open at once; 0 is no limit.
	MaxConnections int
	// MaxInflight and MaxQueued are mosquitto's max_inflight_messages and max_queued_messages.
	// MaxInflight is how many QoS 1 and 2 messages are sent to a client and not yet acknowledged,
	// for a client that does not say (an MQTT 5 client's receive maximum takes its place); 20 by
	// default, negative no window. MaxQueued is how many more wait for room, and how many an
	// offline session keeps; past it a message for the client is dropped. 8172 by default (8192
	// in all, mochi's own default), negative no limit.
	MaxInflight int
	MaxQueued   int
	// MaxSessions is how many sessions the broker holds, connected or kept for a client that
	// comes back; past it a new client identifier is refused. 10,000 by default, negative no
	// limit.
	MaxSessions int
	// SessionExpiry, when positive, is the longest a session outlives its connection, the
	// session expiry an MQTT 5 client asks for included, as mosquitto's
	// persistent_client_expiration. 0 is none: a session lasts as long as its client asked.
	SessionExpiry time.Duration
	// MaxSubscriptions is how many subscriptions one client may hold; 10,000 by default,
	// negative no limit.
	MaxSubscriptions int
	// MaxRetained and MaxRetainedBytes bound the retained messages, by count (100,000 by
	// default) and by payload bytes (256 MiB by default); a retained publish past them is
	// delivered but not retained.
	MaxRetained      int
	MaxRetainedBytes int64
	// FailedLoginDelay is how long a refused login waits for its CONNACK, so that guessing
	// passwords is slow; 1 s by default, negative none.
	FailedLoginDelay time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if l.MaxPacketSize == 0 {
		l.MaxPacketSize = 1 << 20
	}
	if l.ConnectTimeout == 0 {
		l.ConnectTimeout = 10 * time.Second
	}
	def(&l.MaxInflight, 20)
	def(&l.MaxQueued, 8172)
	def(&l.MaxSessions, 10000)
	def(&l.MaxSubscriptions, 10000)
	def(&l.MaxRetained, 100000)
	if l.MaxRetainedBytes == 0 {
		l.MaxRetainedBytes = 256 << 20
	}
	if l.FailedLoginDelay == 0 {
		l.FailedLoginDelay = time.Second
	}
	return l
}

// writesPending is mochi's MaximumClientWritesPending: how many messages may wait to be written
// to a connection that is slower than they come, past which mochi drops them. It is at least what
// the window and the queue together hold, so that a QoS 1 or 2 message within the limits is not
// dropped there; each connection allocates room for it (8 bytes a message) when it opens.
func (l Limits) writesPending() int32 {
	if l.MaxQueued < 0 {
		return math.MaxUint16
	}
	return int32(min(max(l.MaxInflight, 0)+l.MaxQueued, math.MaxUint16))
}

// limiter applies the limits mochi has no setting for.
type limiter struct {
	mqtt.HookBase
	lim    Limits
	server *mqtt.Server
	events *eventLog
	mu     sync.Mutex
	// over holds, per client, the filters of the SUBSCRIBE being processed that are past the
	// limit, by index, with their text; mochi is handed an empty filter in their place.
	over map[*mqtt.Client]map[int]string
	// retained is the payload size of each retained message, and retainedBytes their sum.
	retained      map[string]int
	retainedBytes int64
}

func newLimiter(lim Limits, server *mqtt.Server, events *eventLog) *limiter {
	return &limiter{lim: lim, server: server, events: events, over: map[*mqtt.Client]map[int]string{}, retained: map[string]int{}}
}

func (h *limiter) ID() string { return "limits" }

// limiterEvents leaves out OnPublish, which comes through packetRoutes.
const limiterEvents hookEvents = 1<<mqtt.OnConnect | 1<<mqtt.OnSubscribe | 1<<mqtt.OnSubscribed |
	1<<mqtt.OnDisconnect | 1<<mqtt.OnWill | 1<<mqtt.OnRetainMessage | 1<<mqtt.OnRetainedExpired |
	1<<mqtt.OnStarted

func (h *limiter) Provides(b byte) bool { return limiterEvents.has(b) }

// OnSubscribe hides from mochi the new filters past MaxSubscriptions: an empty filter is invalid,
// so mochi refuses it and makes no subscription. OnSubscribed then puts the filter back and
// words the refusal as quota exceeded (0x97; 0x80 before MQTT 5).
func (h *limiter) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if h.lim.MaxSubscriptions < 0 {
		return pk
	}
	n := cl.State.Subscriptions.Len()
	var over map[int]string
	for i, f := range pk.Filters {
		if _, ok := cl.State.Subscriptions.Get(f.Filter); ok {
			continue
		}
		if n++; n > h.lim.MaxSubscriptions {
			if over == nil {
				over = map[int]string{}
			}
			over[i] = f.Filter
			pk.Filters[i].Filter = ""
		}
	}
	if over != nil {
		h.mu.Lock()
		h.over[cl] = over
		h.mu.Unlock()
	}
	return pk
}

func (h *limiter) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	h.mu.Lock()
	over := h.over[cl]
	delete(h.over, cl)
	h.mu.Unlock()
	for i, f := range over {
		pk.Filters[i].Filter = f
		if cl.Properties.ProtocolVersion == 5 && i < len(codes) {
			codes[i] = packets.ErrQuotaExceeded.Code
		}
	}
}

func (h *limiter) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	delete(h.over, cl)
	h.mu.Unlock()
}

// OnConnect refuses a new client identifier once the broker holds MaxSessions sessions: quota
// exceeded on MQTT 5, server unavailable before. A client whose session the broker holds may
// always come back.
func (h *limiter) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	if h.lim.MaxSessions < 0 || h.server.Clients.Len() < h.lim.MaxSessions {
		return nil
	}
	if _, ok := h.server.Clients.Get(cl.ID); ok {
		return nil
	}
	code := packets.ErrQuotaExceeded
	if cl.Properties.ProtocolVersion < 5 {
		code = packets.ErrServerUnavailable
	}
	if err := h.server.SendConnack(cl, code, false, nil); err != nil {
		return err
	}
	return code
}

// publish retains no more than MaxRetained messages of MaxRetainedBytes in all: past them, a
// retained publish is delivered as any other and not kept.
func (h *limiter) publish(cl *mqtt.Client, pk *packets.Packet) error {
	if cl.Net.Inline || !pk.FixedHeader.Retain || len(pk.Payload) == 0 {
		return nil
	}
	if h.retainedFull(pk.TopicName, len(pk.Payload)) {
		pk.FixedHeader.Retain = false
		if h.events != nil {
			h.events.notRetained(cl, pk.TopicName)
		}
	}
	return nil
}

// OnWill holds a retained will to the same limits.
func (h *limiter) OnWill(cl *mqtt.Client, will mqtt.Will) (mqtt.Will, error) {
	if will.Retain && len(will.Payload) > 0 && h.retainedFull(will.TopicName, len(will.Payload)) {
		will.Retain = false
		if h.events != nil {
			h.events.notRetained(cl, will.TopicName)
		}
	}
	return will, nil
}

// retainedFull reports whether retaining size bytes on topic would go past the limits.
func (h *limiter) retainedFull(topic string, size int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	old, exists := h.retained[topic]
	return (!exists && len(h.retained) >= h.lim.MaxRetained) ||
		h.retainedBytes-int64(old)+int64(size) > h.lim.MaxRetainedBytes
}

func (h *limiter) OnRetainMessage(_ *mqtt.Client, pk packets.Packet, _ int64) {
	h.setRetained(pk.TopicName, len(pk.Payload))
}

func (h *limiter) OnRetainedExpired(topic string) { h.setRetained(topic, 0) }

// OnStarted counts the retained messages read from a store.
func (h *limiter) OnStarted() {
	for topic, pk := range h.server.Topics.Retained.GetAll() {
		if topic != "" && topic[0] != '$' {
			h.setRetained(topic, len(pk.Payload))
		}
	}
}

func (h *limiter) setRetained(topic string, size int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.retainedBytes -= int64(h.retained[topic])
	delete(h.retained, topic)
	if size > 0 {
		h.retained[topic] = size
		h.retainedBytes += int64(size)
	}
}
