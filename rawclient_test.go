package main

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker/brokertest"
)

// rawClient speaks MQTT packet by packet, so a test sees exactly what a broker answers: reason
// codes, acknowledgements, deliveries. It encodes and decodes with mochi's packets package.
type rawClient struct {
	t       testing.TB
	conn    net.Conn
	r       *bufio.Reader
	version byte
	nextID  uint16
	// got holds the PUBLISH packets read while waiting for something else.
	got []packets.Packet
}

type connectOpts struct {
	id, user, pass string
	version        byte // 4 (3.1.1) or 5
	clean          bool
	sessionExpiry  uint32
	will           *packets.Packet // topic, payload, QoS and retain of the will
}

// dialRaw connects and sends CONNECT; it returns the client and the CONNACK's reason code.
func dialRaw(t testing.TB, addr string, o connectOpts) (*rawClient, byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, code, err := connectRaw(t, conn, o)
	if err != nil {
		t.Fatalf("waiting for CONNACK: %v", err)
	}
	return c, code
}

// connectRaw sends CONNECT on conn; err is what ended the connection before a CONNACK came.
func connectRaw(t testing.TB, conn net.Conn, o connectOpts) (*rawClient, byte, error) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(20 * time.Second)) // a broker that never answers fails the test
	c := &rawClient{t: t, conn: conn, r: bufio.NewReader(conn), version: o.version}
	t.Cleanup(func() { conn.Close() })
	pk := packets.Packet{
		FixedHeader:     packets.FixedHeader{Type: packets.Connect},
		ProtocolVersion: o.version,
		Connect: packets.ConnectParams{
			ProtocolName: []byte("MQTT"), ClientIdentifier: o.id, Clean: o.clean, Keepalive: 60,
		},
	}
	if o.sessionExpiry > 0 {
		pk.Properties.SessionExpiryInterval, pk.Properties.SessionExpiryIntervalFlag = o.sessionExpiry, true
	}
	if o.user != "" {
		pk.Connect.UsernameFlag, pk.Connect.Username = true, []byte(o.user)
		pk.Connect.PasswordFlag, pk.Connect.Password = true, []byte(o.pass)
	}
	if w := o.will; w != nil {
		pk.Connect.WillFlag, pk.Connect.WillTopic, pk.Connect.WillPayload = true, w.TopicName, w.Payload
		pk.Connect.WillQos, pk.Connect.WillRetain = w.FixedHeader.Qos, w.FixedHeader.Retain
	}
	data, err := brokertest.Encode(pk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(data); err != nil {
		return nil, 0, err
	}
	ack, err := c.read()
	if err == nil && ack.FixedHeader.Type != packets.Connack {
		t.Fatalf("got %s before CONNACK", packets.PacketNames[ack.FixedHeader.Type])
	}
	return c, ack.ReasonCode, err
}

func (c *rawClient) send(pk packets.Packet) {
	c.t.Helper()
	pk.ProtocolVersion = c.version
	data, err := brokertest.Encode(pk)
	if err == nil {
		_, err = c.conn.Write(data)
	}
	if err != nil {
		c.t.Fatalf("sending %s: %v", packets.PacketNames[pk.FixedHeader.Type], err)
	}
}

// read reads the next packet, or returns the error that ended the connection.
func (c *rawClient) read() (packets.Packet, error) { return brokertest.Read(c.r, c.version) }

// await reads until a packet of type t, acknowledging and keeping the PUBLISH packets on the way.
func (c *rawClient) await(t byte) packets.Packet {
	c.t.Helper()
	for {
		pk, err := c.read()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", packets.PacketNames[t], err)
		}
		if pk.FixedHeader.Type == t {
			return pk
		}
		if pk.FixedHeader.Type == packets.Publish {
			c.keep(pk)
			continue
		}
		if pk.FixedHeader.Type == packets.Pubrel {
			c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubcomp}, PacketID: pk.PacketID})
			continue
		}
		c.t.Fatalf("waiting for %s, got %s", packets.PacketNames[t], packets.PacketNames[pk.FixedHeader.Type])
	}
}

func (c *rawClient) keep(pk packets.Packet) {
	c.got = append(c.got, pk)
	switch pk.FixedHeader.Qos {
	case 1:
		c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: pk.PacketID})
	case 2:
		c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrec}, PacketID: pk.PacketID})
	}
}

func (c *rawClient) id() uint16 {
	c.nextID++
	return c.nextID
}

// subscribe returns the SUBACK's reason code.
func (c *rawClient) subscribe(filter string, qos byte) byte {
	c.t.Helper()
	c.send(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: c.id(),
		Filters: packets.Subscriptions{{Filter: filter, Qos: qos}},
	})
	return c.await(packets.Suback).ReasonCodes[0]
}

// publish sends a message and waits for its acknowledgement (for QoS 2, the whole exchange),
// then until the broker has processed it; it returns what the broker answered: "sent" for QoS 0,
// else the PUBACK's or PUBREC's code.
func (c *rawClient) publish(topic string, qos byte, retain bool, payload string) string {
	c.t.Helper()
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos, Retain: retain},
		TopicName:   topic, Payload: []byte(payload),
	}
	if qos > 0 {
		pk.PacketID = c.id()
	}
	c.send(pk)
	ack := "sent"
	switch qos {
	case 1:
		ack = fmt.Sprintf("puback %#02x", c.await(packets.Puback).ReasonCode)
	case 2:
		rec := c.await(packets.Pubrec)
		if rec.ReasonCode < 0x80 {
			c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrel, Qos: 1}, PacketID: pk.PacketID})
			c.await(packets.Pubcomp)
		}
		ack = fmt.Sprintf("pubrec %#02x", rec.ReasonCode)
	}
	// A broker handles a client's packets in order, so once it answers a ping the message has
	// reached its subscribers' queues: mochi acknowledges a publish before it hands it on.
	c.ping()
	return ack
}

func (c *rawClient) ping() {
	c.t.Helper()
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}})
	c.await(packets.Pingresp)
}

// until reads PUBLISH packets until one on topic, and returns the topics of those before it,
// from the first read since the last call.
func (c *rawClient) until(topic string) []string {
	c.t.Helper()
	var topics []string
	for {
		for len(c.got) > 0 {
			pk := c.got[0]
			c.got = c.got[1:]
			if pk.TopicName == topic {
				return topics
			}
			topics = append(topics, pk.TopicName)
		}
		pk, err := c.read()
		if err != nil {
			c.t.Fatalf("waiting for a message on %s: %v (got %v)", topic, err, topics)
		}
		switch pk.FixedHeader.Type {
		case packets.Publish:
			c.keep(pk)
		case packets.Pubrel:
			c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubcomp}, PacketID: pk.PacketID})
		}
	}
}
