package broker_test

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

func TestEvents(t *testing.T) {
	users, err := broker.ReadUsers(strings.NewReader("alice:secret\n"))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	clock := time.Date(2025, 3, 1, 12, 30, 45, 123e6, time.Local)
	b, err := broker.Start(broker.Config{
		Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
		Users:     users, Events: &log, Now: func() time.Time { return clock },
		Limits: broker.Limits{FailedLoginDelay: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	c := dialRaw(t, b.Addr(0), 4)
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: "intruder", Clean: true, Keepalive: 30,
		UsernameFlag: true, Username: []byte("mallory"), PasswordFlag: true, Password: []byte("x"),
	}})
	c.expect(packets.Connack)

	c = dialRaw(t, b.Addr(0), 5)
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: "watcher", Clean: true, Keepalive: 45,
		UsernameFlag: true, Username: []byte("alice"), PasswordFlag: true, Password: []byte("secret"),
	}})
	c.expect(packets.Connack)
	c.send(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters: packets.Subscriptions{{Filter: "home/#", Qos: 1}, {Filter: "bad/#/filter", Qos: 0}},
	})
	c.expect(packets.Suback)
	c.send(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Unsubscribe, Qos: 1}, PacketID: 2,
		Filters: packets.Subscriptions{{Filter: "home/#"}},
	})
	c.expect(packets.Unsuback)
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}})
	// Once the broker has closed the connection it has taken the DISCONNECT as the reason, and
	// Close, which waits for every client, cannot be mistaken for it.
	if _, err := c.r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("read after DISCONNECT: %v, want EOF", err)
	}
	b.Close()

	want := []string{
		`client "intruder" from 127.0.0.1:\d+ as user "mallory" refused: Connection Refused: not authorised.`,
		`client "watcher" connected from 127.0.0.1:\d+ over tcp: MQTT 5, clean start, keep-alive 45s, user "alice"`,
		`client "watcher" subscribed to "home/#" at QoS 1`,
		`client "watcher" refused subscription to "bad/#/filter": Topic Filter invalid`,
		`client "watcher" unsubscribed from "home/#"`,
		`client "watcher" disconnected`,
	}
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), log.String())
	}
	for i, re := range want {
		if !regexp.MustCompile(`^2025-03-01 12:30:45.123 ` + re + `$`).MatchString(lines[i]) {
			t.Errorf("line %d is\n\t%s\nwant\n\t%s", i+1, lines[i], re)
		}
	}
}
