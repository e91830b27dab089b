package broker

import (
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// packetIDs keeps mochi from refusing a SUBSCRIBE or UNSUBSCRIBE whose packet identifier equals
// one of the broker's own. Client and server number their packets independently (MQTT 3.1.1 and 5,
// 2.2.1), but mochi looks the client's identifier up in the one map that also holds the messages
// it is sending: a client that resumes a session with messages waiting, and subscribes with
// identifier 1 as most libraries start, gets 0x91 (packet identifier in use) for every filter,
// 0x80 (failure) on 3.1.1, and no subscription.
//
// mochi checks before any hook can answer for it, so the packet is passed on with identifier 0,
// which nothing in that map has, and the acknowledgement gets the client's identifier back. The
// client's own identifiers still in use (a QoS 2 PUBLISH awaiting PUBREL) are left for mochi to
// refuse, as the specification asks.
type packetIDs struct {
	mqtt.HookBase
	mu sync.Mutex
	// hidden holds, per client, the identifier of the packet being processed with 0 in its place.
	// A client's packets are processed one at a time, and the acknowledgement is written before
	// the next is read, so one per client is enough.
	hidden map[*mqtt.Client]uint16
}

func newPacketIDs() *packetIDs { return &packetIDs{hidden: map[*mqtt.Client]uint16{}} }

func (h *packetIDs) ID() string { return "packet-ids" }

// packetIDEvents leaves out OnPacketRead and OnPacketEncode, which come through packetRoutes.
const packetIDEvents hookEvents = 1 << mqtt.OnDisconnect

func (h *packetIDs) Provides(b byte) bool { return packetIDEvents.has(b) }

func (h *packetIDs) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	t := pk.FixedHeader.Type
	if (t != packets.Subscribe && t != packets.Unsubscribe) || pk.PacketID == 0 {
		return pk, nil
	}
	held, ok := cl.State.Inflight.Get(pk.PacketID)
	if !ok || !sentByServer(held) {
		return pk, nil
	}
	h.mu.Lock()
	h.hidden[cl] = pk.PacketID
	h.mu.Unlock()
	pk.PacketID = 0
	// mochi's validation refuses identifier 0 on a packet with the QoS 1 header bits that
	// SUBSCRIBE and UNSUBSCRIBE carry; those bits have been checked and mean nothing more.
	pk.FixedHeader.Qos = 0
	return pk, nil
}

// sentByServer reports whether an in-flight entry is the broker's: a PUBLISH it sent, or the
// PUBREL of one. The client's QoS 1 and 2 publishes are held as the PUBACK, PUBREC or PUBCOMP due.
func sentByServer(pk packets.Packet) bool {
	return pk.FixedHeader.Type == packets.Publish || pk.FixedHeader.Type == packets.Pubrel
}

func (h *packetIDs) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	t := pk.FixedHeader.Type
	if (t != packets.Suback && t != packets.Unsuback) || pk.PacketID != 0 {
		return pk
	}
	h.mu.Lock()
	id, ok := h.hidden[cl]
	delete(h.hidden, cl)
	h.mu.Unlock()
	if ok {
		pk.PacketID = id
	}
	return pk
}

// OnDisconnect forgets an identifier whose acknowledgement was never written.
func (h *packetIDs) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	delete(h.hidden, cl)
	h.mu.Unlock()
}
