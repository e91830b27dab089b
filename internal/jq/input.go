package jq

import (
	"encoding/base64"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
)

// Input builds the jq input object of each message into one reused map: gojq copies a value before it
// changes it, so the map can be refilled for the next message once the last one's results are used.
type Input struct {
	obj   map[string]any
	tbuf  []byte
	topic string
	boxed any // topic as an interface, kept while the topic repeats: boxing a string allocates
}

// NewInput returns an empty Input.
func NewInput() *Input {
	return &Input{obj: make(map[string]any, 6)}
}

// Set fills the input object from m with payload (gojq input, from codec.Value.JQ; a nil payload with a
// non-empty message is the payload as a string, the plain path) and returns it.
func (in *Input) Set(m *message.Message, payload any) map[string]any {
	in.obj["topic"] = in.topicValue(m.Topic)
	in.obj["payload"] = payload
	in.obj["qos"] = int(m.QoS)
	in.obj["retain"] = m.Retain
	if m.Props == nil {
		in.obj["properties"] = nil
	} else {
		in.obj["properties"] = properties(m.Props)
	}
	in.tbuf = appendTime(in.tbuf[:0], m.Received)
	in.obj["time"] = string(in.tbuf)
	return in.obj
}

// appendTime writes t in UTC as --json does (RFC 3339, microseconds), by hand: time.AppendFormat costs
// more than the rest of the input object.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	us := t.Nanosecond() / 1000
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, s, 2)
	b = append(b, '.')
	b = appendDigits(b, us, 6)
	return append(b, 'Z')
}

func appendDigits(b []byte, v, n int) []byte {
	var tmp [8]byte
	for i := n - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:n]...)
}

func (in *Input) topicValue(t string) any {
	if in.boxed == nil || in.topic != t {
		in.topic, in.boxed = t, t
	}
	return in.boxed
}

// RawPayload is the payload as jq sees it when no format was asked for: a string when it is UTF-8, else
// its base64, as --json writes it.
func RawPayload(b []byte) any {
	if utf8.Valid(b) {
		return string(b)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// properties spells the MQTT 5 properties as --json lines do.
func properties(p *message.Properties) map[string]any {
	o := map[string]any{}
	if p.PayloadFormat != nil {
		o["payload-format-indicator"] = int(*p.PayloadFormat)
	}
	if p.MessageExpiry != nil {
		o["message-expiry-interval"] = int(*p.MessageExpiry)
	}
	if p.ContentType != "" {
		o["content-type"] = p.ContentType
	}
	if p.ResponseTopic != "" {
		o["response-topic"] = p.ResponseTopic
	}
	if len(p.CorrelationData) > 0 {
		if utf8.Valid(p.CorrelationData) {
			o["correlation-data"] = string(p.CorrelationData)
		} else {
			o["correlation-data"] = base64.StdEncoding.EncodeToString(p.CorrelationData)
			o["correlation-data-encoding"] = "base64"
		}
	}
	if len(p.SubscriptionIDs) > 0 {
		ids := make([]any, len(p.SubscriptionIDs))
		for i, id := range p.SubscriptionIDs {
			ids[i] = id
		}
		o["subscription-identifier"] = ids
	}
	if p.TopicAlias != nil {
		o["topic-alias"] = int(*p.TopicAlias)
	}
	if len(p.User) > 0 {
		// Pairs, not an object: names repeat, and their order is part of the message.
		us := make([]any, len(p.User))
		for i, u := range p.User {
			us[i] = []any{u.Key, u.Value}
		}
		o["user-property"] = us
	}
	return o
}
