package broker

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// delivery paces what the broker sends each client and bounds what it keeps for it, as mosquitto's
// max_inflight_messages and max_queued_messages do:
//
//   - At most the client's window of QoS 1 and 2 messages are in flight: its receive maximum on
//     MQTT 5, maxInflight otherwise (0: no window). Past it, up to maxQueued more wait, sent as
//     acknowledgements come; the rest are dropped. Its flowConn does the holding back.
//   - An offline session keeps at most maxQueued QoS 1 and 2 messages, those it had in flight
//     included, as mosquitto counts them.
//   - Each drop is counted ($SYS/broker/messages/dropped) and told, once a connection, as
//     mosquitto's "Outgoing messages are being dropped".
//
// mochi 2.7.9 has a flow control of its own towards the receive maximum, and it is switched off
// here, because it is broken: a message it parks once the window is full is sent by
// processPacket, which then deletes it from the in-flight map, so that the client's
// acknowledgement frees no window (processPuback finds nothing) and the stream stops for good after
// a window's worth of them; and Inflight.NextImmediate, which it calls after every packet, takes the
// read lock twice, which deadlocks the connection once a publisher waits for the write lock
// between the two.
type delivery struct {
	mqtt.HookBase
	server      *mqtt.Server
	maxInflight int
	maxQueued   int
	events      *eventLog
	// forgotten, when set, is told of each message dropped after it was handed to the hooks (the
	// session store, which has written it).
	forgotten func(cl *mqtt.Client, pk packets.Packet)
	// order numbers the messages published, in the order they come, from the time it started (in
	// nanoseconds, so that the numbers of a later run are greater).
	order atomic.Int64
	mu    sync.Mutex
	// dropping holds the client identifiers told about since they connected.
	dropping map[string]bool
}

func newDelivery(lim Limits, server *mqtt.Server, events *eventLog) *delivery {
	h := &delivery{server: server, maxInflight: max(lim.MaxInflight, 0), maxQueued: lim.MaxQueued,
		events: events, dropping: map[string]bool{}}
	h.order.Store(time.Now().UnixNano())
	return h
}

func (h *delivery) ID() string { return "delivery" }

// deliveryEvents leaves out OnPacketRead, OnPacketEncode and OnPublish, which come through packetRoutes.
const deliveryEvents hookEvents = 1<<mqtt.OnConnect | 1<<mqtt.OnQosPublish | 1<<mqtt.OnQosDropped |
	1<<mqtt.OnPublishDropped | 1<<mqtt.OnSessionEstablished | 1<<mqtt.OnDisconnect | 1<<mqtt.OnClientExpired

func (h *delivery) Provides(b byte) bool { return deliveryEvents.has(b) }

func flowOf(cl *mqtt.Client) *flowConn {
	fc, _ := cl.Net.Conn.(*flowConn)
	return fc
}

// OnConnect comes before the CONNACK, and so before anything is sent to the client.
func (h *delivery) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	cl.State.Inflight.ResetSendQuota(0) // 0: mochi's flow control off
	h.mu.Lock()
	delete(h.dropping, cl.ID)
	h.mu.Unlock()
	fc := flowOf(cl)
	if fc == nil {
		return nil
	}
	window := h.maxInflight
	if pk.ProtocolVersion == 5 && pk.Properties.ReceiveMaximum > 0 {
		window = int(pk.Properties.ReceiveMaximum)
	}
	fc.limit(window, h.maxQueued, func(id uint16) { h.droppedQueued(cl, id) })
	return nil
}

// publish gives each message its number in order as its creation time, which is what the
// messages a session keeps are resent by (see resendInOrder): mochi's, in seconds, leaves those of
// the same second in no order. The creation time serves nothing else in this broker (no maximum
// message expiry; mochi has worked out the expiry from the time already).
func (h *delivery) publish(_ *mqtt.Client, pk *packets.Packet) error {
	pk.Created = h.order.Add(1)
	return nil
}

// OnPacketEncode switches mochi's flow control off again for a session taken over: mochi gives the
// new connection the old one's messages in a new in-flight map, and sets its window on that. Then,
// with the CONNACK written, mochi resends them, and the order is put right first.
func (h *delivery) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type == packets.Connack {
		cl.State.Inflight.ResetSendQuota(0)
		switch fc := flowOf(cl); {
		case pk.SessionPresent && fc != nil:
			fc.resume(func() int { return resendInOrder(cl.State.Inflight) })
		case pk.SessionPresent:
			resendInOrder(cl.State.Inflight)
		}
	}
	return pk
}

// OnSessionEstablished comes once mochi has resent a resumed session's messages.
func (h *delivery) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	if fc := flowOf(cl); fc != nil {
		fc.resent()
	}
}

// numberResumed gives a message that a publisher handed a client while mochi resends its session
// the next number as its creation time, so that, if mochi resends it too, it goes after the
// others, and in the order it came (see resendInOrder). The number is only put in the map if the
// message there is still the one handed over.
func (h *delivery) numberResumed(cl *mqtt.Client, pk packets.Packet) {
	fc := flowOf(cl)
	if fc == nil || !fc.numbering.Load() {
		return
	}
	if pk.FixedHeader.Dup { // mochi resending it
		fc.resendListed()
		return
	}
	n, ok := fc.nextNumber()
	if !ok {
		return
	}
	if held, ok := cl.State.Inflight.Get(pk.PacketID); ok && held.Created == pk.Created {
		held.Created = n
		cl.State.Inflight.Set(held)
	}
}

// resendInOrder numbers a resumed session's messages 1, 2, ... in the order they were queued
// (their creation time, see publish, then packet identifier), as their creation time, which is
// what mochi sorts them by when it resends them: it compares the times truncated to 16 bits, with
// an unstable sort. The session store numbers what it reads back the same way, and numbers below
// those OnPublish gives still come first.
func resendInOrder(inflight *mqtt.Inflight) int {
	all := inflight.GetAll(false)
	slices.SortStableFunc(all, func(a, b packets.Packet) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.PacketID, b.PacketID))
	})
	for i, pk := range all {
		pk.Created = int64(i + 1)
		inflight.Set(pk)
	}
	return len(all)
}

// OnPacketRead frees the window on the acknowledgements that end a message's flight: PUBACK,
// PUBCOMP, and a PUBREC that refuses it.
func (h *delivery) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	switch pk.FixedHeader.Type {
	case packets.Puback, packets.Pubcomp:
	case packets.Pubrec:
		if pk.ReasonCode < 0x80 {
			return pk, nil
		}
	default:
		return pk, nil
	}
	if fc := flowOf(cl); fc != nil {
		fc.acked(pk.PacketID)
	}
	return pk, nil
}

// OnQosPublish drops a new message past an offline session's limit. mochi has put it in the
// session's in-flight map, and sends nothing to an offline client, so out of the map it is gone.
// A session being taken over is handover's.
func (h *delivery) OnQosPublish(cl *mqtt.Client, pk packets.Packet, _ int64, _ int) {
	if pk.FixedHeader.Type == packets.Publish {
		h.numberResumed(cl, pk)
	}
	if pk.FixedHeader.Type != packets.Publish || pk.FixedHeader.Dup || h.maxQueued < 0 || cl.IsTakenOver() ||
		(cl.Net.Conn != nil && !cl.Closed()) || cl.State.Inflight.Len() <= h.maxQueued {
		return
	}
	if cl.State.Inflight.Delete(pk.PacketID) {
		atomic.AddInt64(&h.server.Info.Inflight, -1)
	}
	h.dropped(cl, queueFull)
}

// droppedQueued is an online client's flowConn telling of a message past its queue, which mochi
// counts in flight still.
func (h *delivery) droppedQueued(cl *mqtt.Client, id uint16) {
	pk, ok := cl.State.Inflight.Get(id)
	if ok && cl.State.Inflight.Delete(id) {
		atomic.AddInt64(&h.server.Info.Inflight, -1)
		if h.forgotten != nil {
			h.forgotten(cl, pk)
		}
	}
	h.dropped(cl, queueFull)
}

// OnQosDropped forgets a held message that mochi gave up (expired, or its session ended).
func (h *delivery) OnQosDropped(cl *mqtt.Client, pk packets.Packet) {
	if fc := flowOf(cl); fc != nil && pk.FixedHeader.Type == packets.Publish {
		fc.forget(pk.PacketID)
	}
}

// OnPublishDropped is mochi dropping a message for a client whose connection has more writes
// pending than it allows (Capabilities.MaximumClientWritesPending); mochi counts it.
func (h *delivery) OnPublishDropped(cl *mqtt.Client, _ packets.Packet) { h.tell(cl, writesFull) }

// OnDisconnect forgets a session that ends with its connection.
func (h *delivery) OnDisconnect(cl *mqtt.Client, _ error, expire bool) {
	if expire {
		h.forget(cl)
	}
}

func (h *delivery) OnClientExpired(cl *mqtt.Client) { h.forget(cl) }

func (h *delivery) forget(cl *mqtt.Client) {
	h.mu.Lock()
	delete(h.dropping, cl.ID)
	h.mu.Unlock()
}

// dropReason is why a message for a client was dropped.
type dropReason int

const (
	queueFull  dropReason = iota // as many are queued as max_queued_messages allows
	writesFull                   // mochi's bound on writes pending on a connection
)

func (h *delivery) dropped(cl *mqtt.Client, why dropReason) {
	atomic.AddInt64(&h.server.Info.MessagesDropped, 1)
	h.tell(cl, why)
}

func (h *delivery) tell(cl *mqtt.Client, why dropReason) {
	if h.events == nil {
		return
	}
	h.mu.Lock()
	told := h.dropping[cl.ID]
	h.dropping[cl.ID] = true
	h.mu.Unlock()
	if told {
		return
	}
	switch why {
	case queueFull:
		h.events.dropping(cl, fmt.Sprintf("it has %d queued, the most it may", h.maxQueued))
	case writesFull:
		h.events.dropping(cl, fmt.Sprintf("%d are waiting to be written to its connection, the most that may",
			h.server.Options.Capabilities.MaximumClientWritesPending))
	}
}
