package broker_test

import (
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
)

// Past MaxSessions a new client identifier is refused, on MQTT 5 as quota exceeded and before as
// server unavailable; a client whose session is kept comes back.
func TestMaxSessions(t *testing.T) {
	b := startHardened(t, broker.Config{Limits: broker.Limits{MaxSessions: 2}})
	for _, id := range []string{"kept1", "kept2"} {
		c := dialRaw(t, b.Addr(0), 4)
		c.connect(id, false)
		c.conn.Close()
	}
	for _, v := range []struct {
		version byte
		code    byte
	}{{4, 0x03}, {5, 0x97}} {
		c := dialRaw(t, b.Addr(0), v.version)
		c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
			ProtocolName: []byte("MQTT"), ClientIdentifier: "third", Clean: true, Keepalive: 30,
		}})
		if ack := c.expect(packets.Connack); ack.ReasonCode != v.code {
			t.Errorf("MQTT %d: a third session got CONNACK %#x, want %#x", v.version, ack.ReasonCode, v.code)
		}
	}
	c := dialRaw(t, b.Addr(0), 4)
	if !c.connect("kept1", false).SessionPresent {
		t.Error("a kept session did not come back")
	}
}

// SessionExpiry caps the expiry an MQTT 5 client asks for, which the CONNACK tells it, and ends a
// 3.1.1 persistent session that would last for ever, as mosquitto's persistent_client_expiration.
func TestSessionExpiryCap(t *testing.T) {
	log := newLineLog()
	b := startHardened(t, broker.Config{Events: log, Limits: broker.Limits{SessionExpiry: time.Second}})
	c := dialRaw(t, b.Addr(0), 5)
	ack := c.connectWith("asks-an-hour", false, packets.Properties{SessionExpiryInterval: 3600, SessionExpiryIntervalFlag: true})
	if !ack.Properties.SessionExpiryIntervalFlag || ack.Properties.SessionExpiryInterval != 1 {
		t.Errorf("CONNACK session expiry %d (set: %v), want 1", ack.Properties.SessionExpiryInterval, ack.Properties.SessionExpiryIntervalFlag)
	}
	c = dialRaw(t, b.Addr(0), 4)
	c.connect("forever", false)
	c.conn.Close()
	log.waitFor(t, `client "forever": session expired\n`)
	if _, ok := b.Server().Clients.Get("forever"); ok {
		t.Error("the session is still held")
	}
}

// A retained will counts towards the retained-message limits like any retained publish: past them
// it is sent and not retained.
func TestRetainedWillLimit(t *testing.T) {
	log := newLineLog()
	b := startHardened(t, broker.Config{Events: log, Limits: broker.Limits{MaxRetained: 1}})
	p := dialRaw(t, b.Addr(0), 4)
	p.connect("retainer", true)
	p.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1, Retain: true}, PacketID: 1,
		TopicName: "kept/one", Payload: []byte("first")})
	p.expect(packets.Puback)
	watcher := dialRaw(t, b.Addr(0), 4)
	watcher.connect("will-watcher", true)
	watcher.subscribeTo(1, "will/#", 0)

	w := dialRaw(t, b.Addr(0), 4)
	w.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: "dies", Clean: true, Keepalive: 30,
		WillFlag: true, WillTopic: "will/dies", WillPayload: []byte("gone"), WillRetain: true, WillQos: 0,
	}})
	w.expect(packets.Connack)
	w.conn.Close()
	watcher.expectPublish("gone")
	log.waitFor(t, `client "dies": message to "will/dies" delivered but not retained`)
	if _, ok := b.Server().Topics.Retained.Get("will/dies"); ok {
		t.Error("the will was retained past MaxRetained")
	}
}
