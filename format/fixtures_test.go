package format

import (
	"mqtt/internal/message"
)

// fixture is one message as both worlds see it: the mosquitto_pub and mosquitto_sub arguments that make a
// mosquitto broker deliver it, and the message.Message a session would hand out for the same delivery.
type fixture struct {
	name    string
	topic   string
	payload string
	pubArgs []string // extra mosquitto_pub arguments: protocol version, properties
	subArgs []string // extra mosquitto_sub arguments: QoS, protocol version, subscription identifier
	qos     byte     // the QoS of the delivery (the lower of publish and subscribe)
	v5      bool     // has the properties below; otherwise Props stays nil
	// empty payloads cannot be retained (an empty retained publish deletes), so that one is sent live.
	live bool
	// binary marks a payload that is not UTF-8, which %j deliberately prints unlike mosquitto.
	binary bool
}

// expiry is the message expiry interval the v5 fixture is published with. The broker sends what remains of it,
// one second less per second elapsed, so comparisons allow for a few seconds.
const expiry = 3600

var fixtures = []fixture{
	{name: "text", topic: "fmt/text", payload: "hello world", subArgs: []string{"-q", "1"}, qos: 1},
	{name: "text0", topic: "fmt/text0", payload: "hello world"},
	{name: "spaces", topic: "fmt/a topic with spaces", payload: "a payload\twith tab"},
	{name: "binary", topic: "fmt/binary", payload: "a\x00b\xff\x80c\"\\\n\x01", binary: true},
	{name: "control", topic: "fmt/control", payload: "ctl\x01\x1f\x7f \"q\" \\ / é€😀\t\r\n\b\f"},
	{name: "json", topic: "fmt/json", payload: `{"a": [1, 2.50, "x", -0, 1e400, 5e-324, -.5e1], "b": {"c": null, ` +
		`"d": true, "e": {}, "f": [], "g": [{"h": [{}]}]}, "s": "\u00e9\ud83d\ude00\n\/\u0001", ` +
		`"n": 0.30000000000000004, "pi": 3.14159265358979323846, "big": 123456789012, "k\u0000cut": 1}`},
	{name: "jsonscalar", topic: "fmt/jsonscalar", payload: "\xEF\xBB\xBF \t 42 \r\n"},
	{name: "v5", topic: "fmt/v5", payload: `{"v":5,"ok":true}`,
		pubArgs: []string{"-V", "5",
			// In the order paho packs them, which is the order format prints them in (see properties).
			"-D", "publish", "payload-format-indicator", "1",
			"-D", "publish", "content-type", "application/json",
			"-D", "publish", "response-topic", "fmt/reply",
			"-D", "publish", "correlation-data", "corr-123",
			"-D", "publish", "user-property", "k1", "v1",
			"-D", "publish", "user-property", "k2", "v2",
			"-D", "publish", "user-property", "k1", "dup",
			"-D", "publish", "message-expiry-interval", "3600"},
		subArgs: []string{"-V", "5", "-q", "1", "-D", "subscribe", "subscription-identifier", "42"},
		qos:     1, v5: true},
	{name: "v5bare", topic: "fmt/v5bare", payload: "plain", pubArgs: []string{"-V", "5"}, subArgs: []string{"-V", "5"}},
	{name: "empty", topic: "fmt/empty", live: true},
}

func fixtureNamed(name string) fixture {
	for _, f := range fixtures {
		if f.name == name {
			return f
		}
	}
	panic("no fixture " + name)
}

// message builds what a session would hand out for the fixture, with the given remaining expiry.
func (f fixture) message(remaining uint32) *message.Message {
	m := &message.Message{Topic: f.topic, QoS: f.qos, Retain: !f.live}
	if f.payload != "" {
		m.Payload = []byte(f.payload)
	}
	if f.qos > 0 {
		m.MID = 1 // the broker numbers each new session's deliveries from 1
	}
	if f.v5 {
		one := byte(1)
		m.Props = &message.Properties{
			SubscriptionIDs: []int{42},
			PayloadFormat:   &one,
			ContentType:     "application/json",
			ResponseTopic:   "fmt/reply",
			CorrelationData: []byte("corr-123"),
			User:            []message.UserProperty{{Key: "k1", Value: "v1"}, {Key: "k2", Value: "v2"}, {Key: "k1", Value: "dup"}},
			MessageExpiry:   &remaining,
		}
	}
	return m
}
