package broker_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

func startStore(t *testing.T, file string) *broker.Broker {
	t.Helper()
	b, err := broker.Start(broker.Config{
		Listeners:    []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
		RetainedFile: file,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// Retained messages, their MQTT 5 properties included, outlive the broker that was given them.
func TestRetainedFileSurvivesRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "retained.json")
	b := startStore(t, file)
	c := dialRaw(t, b.Addr(0), 5)
	c.connect("keeper", true)
	publish := func(id uint16, topic, payload string, props packets.Properties) {
		c.send(packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1, Retain: true},
			PacketID:    id, TopicName: topic, Payload: []byte(payload), Properties: props,
		})
		c.expect(packets.Puback)
	}
	publish(1, "kept/plain", "first", packets.Properties{})
	publish(2, "kept/props", "second", packets.Properties{
		ContentType: "text/plain", PayloadFormat: 1, PayloadFormatFlag: true, ResponseTopic: "reply/here",
		CorrelationData: []byte{0, 1}, User: []packets.UserProperty{{Key: "k", Val: "v"}},
	})
	publish(3, "kept/cleared", "gone soon", packets.Properties{})
	publish(4, "kept/cleared", "", packets.Properties{}) // an empty retained message clears the topic
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("$SYS")) || bytes.Contains(data, []byte("kept/cleared")) {
		t.Fatalf("store holds $SYS or a cleared message:\n%s", data)
	}

	b = startStore(t, file)
	c = dialRaw(t, b.Addr(0), 5)
	c.connect("reader", true)
	c.send(subscribe(1, "kept/#"))
	c.expect(packets.Suback)
	got := map[string]packets.Packet{}
	for range 2 {
		pk := c.expect(packets.Publish)
		got[pk.TopicName] = pk
	}
	if p := got["kept/plain"]; string(p.Payload) != "first" || !p.FixedHeader.Retain {
		t.Errorf("kept/plain: payload %q retain %v", p.Payload, p.FixedHeader.Retain)
	}
	p := got["kept/props"].Properties
	if got["kept/props"].TopicName == "" || p.ContentType != "text/plain" || !p.PayloadFormatFlag || p.PayloadFormat != 1 ||
		p.ResponseTopic != "reply/here" || !bytes.Equal(p.CorrelationData, []byte{0, 1}) ||
		!slices.Equal(p.User, []packets.UserProperty{{Key: "k", Val: "v"}}) {
		t.Errorf("kept/props came back as %+v", got["kept/props"])
	}
}

// A broker that changes no retained message writes no file; one that cannot read its store does
// not start, and leaves the file as it found it.
func TestRetainedFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "new.json")
	b := startStore(t, missing)
	b.Close()
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a broker with nothing retained wrote %s: %v", missing, err)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := broker.Start(broker.Config{
		Listeners:    []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
		RetainedFile: bad,
	})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("Start with a damaged store: %v, want an error naming %s", err, bad)
	}
	if data, _ := os.ReadFile(bad); string(data) != "not json" {
		t.Fatalf("damaged store was rewritten: %q", data)
	}
}
