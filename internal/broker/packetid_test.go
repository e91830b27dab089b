package broker_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

// A client that resumes a session with a message waiting for it is sent that message with the
// broker's packet identifier 1, and subscribes with its own identifier 1, as libmosquitto and paho
// do on a fresh connection. The identifiers are in separate spaces: the subscription is granted, and
// acknowledged with the client's identifier.
func TestSubscribeWhileBrokerHoldsSameID(t *testing.T) {
	b := brokertest.Start(t)
	for _, version := range []byte{4, 5} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			id := fmt.Sprintf("resume-v%d", version)
			waiting, fresh := "waiting/"+id, "fresh/"+id

			c := dialRaw(t, b.AddrOf(transport.TCP), version)
			c.connect(id, false)
			c.send(subscribe(1, waiting))
			c.expect(packets.Suback)
			c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}})
			c.conn.Close()

			p := dialRaw(t, b.AddrOf(transport.TCP), version)
			p.connect("publisher-"+id, true)
			p.send(packets.Packet{
				FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1},
				PacketID:    1, TopicName: waiting, Payload: []byte("queued"),
			})
			p.expect(packets.Puback)

			c = dialRaw(t, b.AddrOf(transport.TCP), version)
			if ack := c.connect(id, false); !ack.SessionPresent {
				t.Fatal("CONNACK: no session present")
			}
			// Left unacknowledged, so the broker's identifier stays in use.
			if pub := c.expect(packets.Publish); pub.PacketID != 1 || string(pub.Payload) != "queued" {
				t.Fatalf("resent PUBLISH has id %d and payload %q, want 1 and queued", pub.PacketID, pub.Payload)
			}
			c.send(subscribe(1, fresh))
			ack := c.expect(packets.Suback)
			if ack.PacketID != 1 || !bytes.Equal(ack.ReasonCodes, []byte{1}) {
				t.Fatalf("SUBACK id %d codes %x, want id 1 and QoS 1 granted", ack.PacketID, ack.ReasonCodes)
			}
			if n := len(b.Server().Topics.Subscribers(fresh).Subscriptions); n != 1 {
				t.Fatalf("%d subscriptions to %s after SUBACK, want 1", n, fresh)
			}

			c.send(packets.Packet{
				FixedHeader: packets.FixedHeader{Type: packets.Unsubscribe, Qos: 1},
				PacketID:    1, Filters: packets.Subscriptions{{Filter: fresh}},
			})
			unack := c.expect(packets.Unsuback)
			if unack.PacketID != 1 || (version == 5 && !bytes.Equal(unack.ReasonCodes, []byte{0})) {
				t.Fatalf("UNSUBACK id %d codes %x, want id 1 and success", unack.PacketID, unack.ReasonCodes)
			}
			if n := len(b.Server().Topics.Subscribers(fresh).Subscriptions); n != 0 {
				t.Fatalf("%d subscriptions to %s after UNSUBACK, want 0", n, fresh)
			}
		})
	}
}

// An identifier the client itself still uses, a QoS 2 PUBLISH not yet released, is refused with
// 0x91 as the specification says: only the broker's own identifiers are looked past.
func TestSubscribeWithClientsOwnIDInUse(t *testing.T) {
	b := brokertest.Start(t)
	c := dialRaw(t, b.AddrOf(transport.TCP), 5)
	c.connect("own-id", true)
	c.send(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 2},
		PacketID:    7, TopicName: "own/id", Payload: []byte("x"),
	})
	c.expect(packets.Pubrec)
	c.send(subscribe(7, "own/other"))
	if ack := c.expect(packets.Suback); ack.PacketID != 7 || !bytes.Equal(ack.ReasonCodes, []byte{0x91}) {
		t.Fatalf("SUBACK id %d codes %x, want id 7 and 0x91", ack.PacketID, ack.ReasonCodes)
	}
}

func subscribe(id uint16, filter string) packets.Packet {
	return packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1},
		PacketID:    id, Filters: packets.Subscriptions{{Filter: filter, Qos: 1}},
	}
}

// rawClient speaks MQTT packet by packet, encoded and decoded by mochi's packets package, so a test
// decides what is acknowledged and when.
type rawClient struct {
	t       *testing.T
	conn    net.Conn
	r       *bufio.Reader
	version byte
}

func dialRaw(t *testing.T, addr string, version byte) *rawClient {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(wait))
	return &rawClient{t: t, conn: conn, r: bufio.NewReader(conn), version: version}
}

// connect sends CONNECT (with a session that outlives the connection unless clean) and returns the
// CONNACK, which must accept.
func (c *rawClient) connect(id string, clean bool) packets.Packet {
	c.t.Helper()
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: id, Clean: clean, Keepalive: 30,
	}}
	if c.version == 5 && !clean {
		pk.Properties.SessionExpiryInterval, pk.Properties.SessionExpiryIntervalFlag = 300, true
	}
	c.send(pk)
	ack := c.expect(packets.Connack)
	if ack.ReasonCode != 0 {
		c.t.Fatalf("CONNACK refused: %#x", ack.ReasonCode)
	}
	return ack
}

func (c *rawClient) send(pk packets.Packet) {
	c.t.Helper()
	pk.ProtocolVersion = c.version
	data, err := brokertest.Encode(pk)
	if err == nil {
		_, err = c.conn.Write(data)
	}
	if err != nil {
		c.t.Fatalf("sending packet type %d: %v", pk.FixedHeader.Type, err)
	}
}

// expect reads the next packet, which must be of type want.
func (c *rawClient) expect(want byte) packets.Packet {
	c.t.Helper()
	pk, err := brokertest.Read(c.r, c.version)
	if err != nil {
		c.t.Fatalf("reading packet type %d: %v", want, err)
	}
	if pk.FixedHeader.Type != want {
		c.t.Fatalf("received packet type %d, want %d", pk.FixedHeader.Type, want)
	}
	return pk
}
