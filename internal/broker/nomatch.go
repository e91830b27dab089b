package broker

import (
	"strings"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// codeNoMatchingSubscribers is MQTT 5's PUBACK reason 0x10: accepted, and no subscription matches.
const codeNoMatchingSubscribers = 0x10

// noMatch answers an MQTT 5 QoS 1 publish that no subscription matches with 0x10 (no matching
// subscribers), as mosquitto does, where mochi answers 0x00. The message is handled as any other
// (a retained one is retained); only the PUBACK changes. mochi's encoder leaves out a reason code
// below 0x80 that no property follows, so the PUBACK carries its reason string too, which
// mosquitto's does not (and goes without the code, as 0x00, to a client that asked for no
// problem information). As in mosquitto, a topic under a $ root is acknowledged with 0x00:
// mosquitto finds no root there to search (it has only "" and $SYS, and $SYS is refused before),
// and takes that for success.
type noMatch struct {
	mqtt.HookBase
	topics *mqtt.TopicsIndex
	mu     sync.Mutex
	// due holds, per client, the packet identifier of the PUBACK to word so. A client's publishes
	// are handled one at a time, each acknowledged before the next is read.
	due     map[*mqtt.Client]uint16
	pending atomic.Int32
}

func newNoMatch(topics *mqtt.TopicsIndex) *noMatch {
	return &noMatch{topics: topics, due: map[*mqtt.Client]uint16{}}
}

func (h *noMatch) ID() string { return "no-matching-subscribers" }

// noMatchEvents leaves out OnPacketEncode, which comes through packetRoutes.
const noMatchEvents hookEvents = 1 << mqtt.OnDisconnect // OnPublish comes through packetRoutes

func (h *noMatch) Provides(b byte) bool { return noMatchEvents.has(b) }

func (h *noMatch) publish(cl *mqtt.Client, pk *packets.Packet) error {
	if cl.Net.Inline || cl.Properties.ProtocolVersion != 5 || pk.FixedHeader.Qos != 1 ||
		strings.HasPrefix(pk.TopicName, "$") {
		return nil
	}
	subs := h.topics.Subscribers(pk.TopicName)
	if len(subs.Subscriptions) > 0 || len(subs.Shared) > 0 || len(subs.InlineSubscriptions) > 0 {
		return nil
	}
	h.mu.Lock()
	h.due[cl] = pk.PacketID
	h.mu.Unlock()
	h.pending.Add(1)
	return nil
}

// OnPacketEncode words the PUBACK, unless another hook refused the publish with a code of its own.
func (h *noMatch) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type != packets.Puback || h.pending.Load() == 0 {
		return pk
	}
	h.mu.Lock()
	id, ok := h.due[cl]
	if ok && id == pk.PacketID {
		delete(h.due, cl)
		h.pending.Add(-1)
	}
	h.mu.Unlock()
	// mochi words a PUBACK's success as "granted QoS 1" (0x01), which its encoder leaves out, as it
	// leaves out any code below 0x80 that no property follows.
	if ok && id == pk.PacketID && pk.ReasonCode < 0x80 {
		pk.ReasonCode = codeNoMatchingSubscribers
		pk.Properties.ReasonString = "No matching subscribers"
	}
	return pk
}

func (h *noMatch) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	if _, ok := h.due[cl]; ok {
		delete(h.due, cl)
		h.pending.Add(-1)
	}
	h.mu.Unlock()
}
