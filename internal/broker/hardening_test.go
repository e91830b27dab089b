package broker_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

func startHardened(t *testing.T, cfg broker.Config) *broker.Broker {
	t.Helper()
	if len(cfg.Listeners) == 0 {
		cfg.Listeners = []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}}
	}
	b, err := broker.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// closedByBroker reports whether the broker ends conn (EOF or reset) before the test's own guard
// deadline, without the client sending more.
func closedByBroker(t *testing.T, conn net.Conn) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(wait))
	_, err := conn.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// Eight connections that each claim a 256 MiB CONNECT and send nothing more: mochi allocated the
// claimed length before reading a byte of it, 2 GiB here. Now each is closed at once.
func TestClaimedLengthIsRefused(t *testing.T) {
	b := startHardened(t, broker.Config{})
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 8 {
		conn, err := net.Dial("tcp", b.Addr(0))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write([]byte{0x10, 0xff, 0xff, 0xff, 0x7f})
		if !closedByBroker(t, conn) {
			t.Fatal("a CONNECT claiming 256 MiB was not refused")
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 64<<20 {
		t.Errorf("the broker allocated %d MiB for eight claimed packets", grown>>20)
	}
}

// A packet over --max-packet-size ends the connection; one under it is read.
func TestMaxPacketSize(t *testing.T) {
	b := startHardened(t, broker.Config{Limits: broker.Limits{MaxPacketSize: 1000}})
	c := dialRaw(t, b.Addr(0), 4)
	c.connect("big", true)
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: "a", Payload: make([]byte, 900)})
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: "a", Payload: make([]byte, 1000)})
	if !closedByBroker(t, c.conn) {
		t.Fatal("a packet of 1,000 bytes and more was not refused")
	}
}

// A connection that never sends CONNECT is closed after ConnectTimeout; mochi waited for ever.
func TestFirstPacketDeadline(t *testing.T) {
	b := startHardened(t, broker.Config{Limits: broker.Limits{ConnectTimeout: 100 * time.Millisecond}})
	conn, err := net.Dial("tcp", b.Addr(0))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if !closedByBroker(t, conn) {
		t.Fatal("a silent connection was not closed")
	}
	// A client that logs in in time keeps its connection past the deadline: mochi's keep-alive
	// deadline replaces it.
	c := dialRaw(t, b.Addr(0), 4)
	c.connect("prompt", true)
	time.Sleep(300 * time.Millisecond) // past the first-packet deadline, on purpose
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters: packets.Subscriptions{{Filter: "x"}}})
	c.expect(packets.Suback)
}

func TestMaxConnections(t *testing.T) {
	b := startHardened(t, broker.Config{Limits: broker.Limits{MaxConnections: 2}})
	for _, id := range []string{"one", "two"} {
		dialRaw(t, b.Addr(0), 4).connect(id, true)
	}
	conn, err := net.Dial("tcp", b.Addr(0))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if !closedByBroker(t, conn) {
		t.Fatal("a third connection was let in with --max-connections 2")
	}
}

// A browser page on another origin may not open the WebSocket listener; clients without an Origin
// (every MQTT library) and pages served by the listener's own host may.
func TestWebSocketOrigin(t *testing.T) {
	b := startHardened(t, broker.Config{Listeners: []broker.Listener{
		{Scheme: transport.WS, Addr: "127.0.0.1:0"},
		{Scheme: transport.WS, Addr: "127.0.0.1:0", AllowOrigins: []string{"https://dash.example"}},
	}})
	dial := func(i int, origin string) int {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		d := websocket.Dialer{Subprotocols: []string{transport.WebSocketProtocol}}
		ws, resp, err := d.Dial("ws://"+b.Addr(i)+"/mqtt", h)
		if err == nil {
			ws.Close()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for _, c := range []struct {
		listener int
		origin   string
		want     int
	}{
		{0, "", http.StatusSwitchingProtocols},
		{0, "http://" + b.Addr(0), http.StatusSwitchingProtocols},
		{0, "http://evil.example", http.StatusForbidden},
		{0, "http://localhost:1", http.StatusForbidden},
		{1, "https://dash.example", http.StatusSwitchingProtocols},
		{1, "https://other.example", http.StatusForbidden},
	} {
		if got := dial(c.listener, c.origin); got != c.want {
			t.Errorf("listener %d, Origin %q: HTTP %d, want %d", c.listener, c.origin, got, c.want)
		}
	}
}

// mochi logs the whole packet of a second CONNECT on a connection, password included.
func TestLogCarriesNoPassword(t *testing.T) {
	var log bytes.Buffer
	b := startHardened(t, broker.Config{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	c := dialRaw(t, b.Addr(0), 4)
	c.connect("twice", true)
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: "twice", Clean: true, Keepalive: 30,
		UsernameFlag: true, Username: []byte("alice"), PasswordFlag: true, Password: []byte("hunter2-secret"),
	}})
	if !closedByBroker(t, c.conn) {
		t.Fatal("a second CONNECT did not end the connection")
	}
	b.Close()
	if !strings.Contains(log.String(), "second connect") {
		t.Fatalf("mochi no longer logs the second CONNECT; the test needs another way in:\n%s", log.String())
	}
	if strings.Contains(log.String(), "hunter2") {
		t.Errorf("the log holds the password:\n%s", log.String())
	}
}

// A client changing a retained message 200 times in a row costs a few writes of the file, at
// least a second apart, not one each.
func TestRetainedFileWritesAreBatched(t *testing.T) {
	file := filepath.Join(t.TempDir(), "retained.json")
	b := startHardened(t, broker.Config{RetainedFile: file})
	c := dialRaw(t, b.Addr(0), 4)
	c.connect("chatty", true)
	var writes []time.Time
	last := time.Time{}
	for i := range 200 {
		c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1, Retain: true}, PacketID: uint16(i + 1),
			TopicName: "r/x", Payload: []byte{byte(i)}})
		c.expect(packets.Puback)
		if info, err := os.Stat(file); err == nil && info.ModTime() != last {
			last = info.ModTime()
			writes = append(writes, last)
		}
	}
	for i := 1; i < len(writes); i++ {
		if gap := writes[i].Sub(writes[i-1]); gap < 900*time.Millisecond {
			t.Fatalf("the file was rewritten %v after the previous write (%d writes)", gap, len(writes))
		}
	}
}

// What a store file holds is checked before it is served: a topic with a wildcard, or QoS 7.
func TestRetainedFileIsValidated(t *testing.T) {
	file := filepath.Join(t.TempDir(), "retained.json")
	os.WriteFile(file, []byte(`{"retained": [{"topic": "bad/#", "payload": "eA==", "qos": 7, "version": 4}]}`), 0o600)
	_, err := broker.Start(broker.Config{
		Listeners:    []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
		RetainedFile: file,
	})
	if err == nil || !strings.Contains(err.Error(), `the retained message on "bad/#" (QoS 7, MQTT version 4) is not one a client could publish`) {
		t.Fatalf("got %v", err)
	}
}

// Past MaxSubscriptions a client's new filters are refused as quota exceeded; mochi let one
// anonymous client hold 500,000.
func TestMaxSubscriptions(t *testing.T) {
	b := startHardened(t, broker.Config{Limits: broker.Limits{MaxSubscriptions: 3}})
	c := dialRaw(t, b.Addr(0), 5)
	c.connect("greedy", true)
	sub := func(id uint16, filters ...string) []byte {
		pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: id}
		for _, f := range filters {
			pk.Filters = append(pk.Filters, packets.Subscription{Filter: f, Qos: 1})
		}
		c.send(pk)
		return c.expect(packets.Suback).ReasonCodes
	}
	if got := sub(1, "a", "b", "c", "d"); !bytes.Equal(got, []byte{1, 1, 1, 0x97}) {
		t.Errorf("SUBACK %x, want 01010197", got)
	}
	if got := sub(2, "a", "e"); !bytes.Equal(got, []byte{1, 0x97}) {
		t.Errorf("resubscribing and one more: SUBACK %x, want 0197", got)
	}
}

// A refused login waits before its CONNACK, so that guessing passwords is slow.
func TestFailedLoginIsSlowed(t *testing.T) {
	users, err := broker.ReadUsers(strings.NewReader("alice:secret\n"))
	if err != nil {
		t.Fatal(err)
	}
	const delay = 200 * time.Millisecond
	b := startHardened(t, broker.Config{Users: users, Limits: broker.Limits{FailedLoginDelay: delay}})
	c := dialRaw(t, b.Addr(0), 4)
	start := time.Now()
	c.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
		ProtocolName: []byte("MQTT"), ClientIdentifier: "guesser", Clean: true, Keepalive: 30,
		UsernameFlag: true, Username: []byte("alice"), PasswordFlag: true, Password: []byte("guess"),
	}})
	if ack := c.expect(packets.Connack); ack.ReasonCode != 5 {
		t.Fatalf("CONNACK %d, want 5", ack.ReasonCode)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("refused after %v, before the delay of %v", took, delay)
	}
}
