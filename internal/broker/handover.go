package broker

import (
	"bytes"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// handover carries over to a resumed session the QoS 1 and 2 messages that publishers hand its old
// client object while mochi moves the session to the new connection. mochi (inheritClientSession)
// marks the old client taken over, copies its in-flight map, clears it, and only then puts the new
// client where publishers look it up: a message delivered to the old object in between was lost,
// already acknowledged to its publisher, and with --store its copy on disk was deleted with the
// rest. Such a message comes here, in OnQosPublish on a client taken over: it is taken out of the old
// map and kept, then given to the new client with its CONNACK (mochi resends it there), or, once
// the CONNACK is on its way, sent to it at once (a publisher hands the old client nothing more
// once it has handed the new one a message, so it goes before those).
type handover struct {
	mqtt.HookBase
	server *mqtt.Server
	// store, when set, keeps what the new client is given.
	store *sessionStore
	mu    sync.Mutex
	// from holds the sessions being taken over, by their old client; to, by the new one.
	from map[*mqtt.Client]*takeover
	to   map[*mqtt.Client]*takeover
}

// takeover is one session passing from old to next.
type takeover struct {
	old, next *mqtt.Client
	// connacked is set once the CONNACK is encoded; before, what is rescued is collected.
	connacked bool
	rescued   []packets.Packet
}

func newHandover(server *mqtt.Server) *handover {
	return &handover{server: server, from: map[*mqtt.Client]*takeover{}, to: map[*mqtt.Client]*takeover{}}
}

func (h *handover) ID() string { return "handover" }

// handoverEvents leaves out OnPacketEncode, which comes through packetRoutes.
const handoverEvents hookEvents = 1<<mqtt.OnSessionEstablish | 1<<mqtt.OnQosPublish | 1<<mqtt.OnDisconnect

func (h *handover) Provides(b byte) bool { return handoverEvents.has(b) }

// OnSessionEstablish comes just before mochi takes the session over, under the same conditions.
func (h *handover) OnSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	old, ok := h.server.Clients.Get(cl.ID)
	if !ok || old == cl || pk.Connect.Clean || (old.Properties.Clean && old.Properties.ProtocolVersion < 5) {
		return
	}
	t := &takeover{old: old, next: cl}
	h.mu.Lock()
	h.from[old], h.to[cl] = t, t
	h.mu.Unlock()
}

// OnQosPublish takes a message for a client being taken over out of its map, before the session
// store writes it there.
func (h *handover) OnQosPublish(cl *mqtt.Client, pk packets.Packet, _ int64, _ int) {
	if !cl.IsTakenOver() || pk.FixedHeader.Type != packets.Publish {
		return
	}
	h.mu.Lock()
	t := h.from[cl]
	if t == nil {
		h.mu.Unlock()
		return
	}
	if cl.State.Inflight.Delete(pk.PacketID) {
		atomic.AddInt64(&h.server.Info.Inflight, -1)
	}
	if !t.connacked {
		t.rescued = append(t.rescued, pk)
	}
	h.mu.Unlock()
	if t.connacked {
		h.send(t.next, pk)
	}
}

// OnPacketEncode gives the new client what was kept, with its CONNACK: mochi resends its
// in-flight messages next. It does so under the lock, so that a message rescued after follows.
func (h *handover) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type != packets.Connack {
		return pk
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.to[cl]
	if t == nil {
		return pk
	}
	if !pk.SessionPresent {
		h.forget(t)
		return pk
	}
	t.connacked = true
	for _, m := range t.rescued {
		h.keep(cl, m, 0)
	}
	t.rescued = nil
	return pk
}

// OnDisconnect ends the record when the new connection ends: by then no publisher holds the old
// client any more. What a connection that failed before its CONNACK is owed stays in its session.
func (h *handover) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	t := h.to[cl]
	var owed []packets.Packet
	if t != nil {
		owed = t.rescued
		h.forget(t)
	}
	h.mu.Unlock()
	for _, m := range owed {
		h.keep(cl, m, 0)
	}
}

func (h *handover) forget(t *takeover) {
	delete(h.from, t.old)
	delete(h.to, t.next)
}

// keep puts m in cl's in-flight map, and in the store, with a packet identifier of cl's (the old
// client's is free in cl's map, or another message's, but a publisher may take it meanwhile: one
// from mochi's count is not given twice), unless it is there already as a copy of the old map; in
// the map, with number as its creation time unless that is 0.
func (h *handover) keep(cl *mqtt.Client, m packets.Packet, number int64) (packets.Packet, bool) {
	held, ok := cl.State.Inflight.Get(m.PacketID)
	if !ok || held.Created != m.Created || held.TopicName != m.TopicName || !bytes.Equal(held.Payload, m.Payload) {
		id, err := cl.NextPacketID()
		if err != nil {
			return m, false // no identifier free: mochi drops in the same case
		}
		m.PacketID = uint16(id)
	}
	if h.store != nil {
		h.store.OnQosPublish(cl, m, m.Created, 0)
	}
	if number != 0 {
		m.Created = number
	}
	if cl.State.Inflight.Set(m) {
		atomic.AddInt64(&h.server.Info.Inflight, 1)
	}
	return m, true
}

// send gives a message to a session under way. While mochi resends the session's messages, it
// is numbered after them (see delivery), in case mochi has yet to list them.
func (h *handover) send(cl *mqtt.Client, m packets.Packet) {
	var number int64
	if fc := flowOf(cl); fc != nil {
		number, _ = fc.nextNumber()
	}
	if m, ok := h.keep(cl, m, number); ok && cl.Net.Conn != nil && !cl.Closed() {
		_ = cl.WritePacket(m) // a failed write is the connection's end; the message stays in flight
	}
}
