package broker

import (
	"bytes"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// sendQuota switches off mochi's flow control towards a client's receive maximum, which is broken in
// mochi 2.7.9: once an MQTT 5 client has as many messages in flight as it allows (20 from libmosquitto
// and from mqtt), mochi parks the rest, sends one parked message per packet the client sends, and
// deletes it from its in-flight map as it does, so that its acknowledgement frees no quota; after
// 20 of those the stream stops until the client reconnects. Its way of finding a parked message
// also takes a read lock twice, which deadlocks the client's connection once a publisher waits to
// write between the two. A client that gets more in flight than its receive maximum loses nothing
// from mqtt; libmosquitto's calls it a protocol error, which is no worse than a stream that stops.
type sendQuota struct{ mqtt.HookBase }

func (h *sendQuota) ID() string { return "send-quota" }

func (h *sendQuota) Provides(b byte) bool { return bytes.Contains([]byte{mqtt.OnConnect}, []byte{b}) }

func (h *sendQuota) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	cl.State.Inflight.ResetSendQuota(0) // 0: no quota at all
	return nil
}
