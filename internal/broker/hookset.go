package broker

import (
	"errors"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hookEvents is the set of mochi events a hook answers, for its Provides: a constant, built as
// 1<<mqtt.OnPublish | 1<<mqtt.OnSubscribe | .... mochi asks every hook about every event of every
// packet, so the answer must cost nothing; a search of a slice (bytes.Contains, as mochi's own hooks
// do) was an eighth of the broker's CPU per message.
type hookEvents uint64

func (s hookEvents) has(event byte) bool { return event < 64 && s&(1<<event) != 0 }

// packetRoutes is the one hook mochi asks about the packets it reads and writes: it hands each only
// to the hooks that look at packets of its type, in the order they were added. mochi passes the
// packet (800 bytes) into and back out of every hook that answers OnPacketRead or OnPacketEncode,
// six of them for each packet written; most look at the odd CONNACK or SUBACK, and a PUBLISH now
// passes through one.
type packetRoutes struct {
	mqtt.HookBase
	read   [16][]func(*mqtt.Client, packets.Packet) (packets.Packet, error)
	encode [16][]func(*mqtt.Client, packets.Packet) packets.Packet
	// publish are our handlers of each message published, which may change it in place; mochi
	// would pass the packet into and back out of each hook in turn, by value. They are called
	// directly, not through func values, through which the packet would be moved to the heap.
	publish struct {
		access  *access
		order   *delivery
		limits  *limiter
		noMatch *noMatch
	}
}

func (r *packetRoutes) ID() string { return "packet-routes" }

func (r *packetRoutes) Provides(b byte) bool {
	return hookEvents(1<<mqtt.OnPacketRead | 1<<mqtt.OnPacketEncode | 1<<mqtt.OnPublish).has(b)
}

// OnPublish keeps mochi's rule: the first error ends the message's way (and mochi then goes on
// with the packet as it came).
func (r *packetRoutes) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	p := &r.publish
	if err := p.access.publish(cl, &pk); err != nil {
		return pk, err
	}
	if err := p.order.publish(cl, &pk); err != nil {
		return pk, err
	}
	if err := p.limits.publish(cl, &pk); err != nil {
		return pk, err
	}
	return pk, p.noMatch.publish(cl, &pk)
}

func (r *packetRoutes) onRead(fn func(*mqtt.Client, packets.Packet) (packets.Packet, error), types ...byte) {
	for _, t := range types {
		r.read[t] = append(r.read[t], fn)
	}
}

func (r *packetRoutes) onEncode(fn func(*mqtt.Client, packets.Packet) packets.Packet, types ...byte) {
	for _, t := range types {
		r.encode[t] = append(r.encode[t], fn)
	}
}

// OnPacketRead keeps mochi's rules: a handler's error leaves the packet as it was, and a rejection
// ends the packet's way.
func (r *packetRoutes) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	for _, fn := range r.read[pk.FixedHeader.Type&15] {
		next, err := fn(cl, pk)
		if errors.Is(err, packets.ErrRejectPacket) {
			return pk, err
		}
		if err == nil {
			pk = next
		}
	}
	return pk, nil
}

func (r *packetRoutes) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	for _, fn := range r.encode[pk.FixedHeader.Type&15] {
		pk = fn(cl, pk)
	}
	return pk
}
