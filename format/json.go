package format

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"mqtt/internal/message"
)

// appendJSON prints %j (raw false) or %J (raw true) the way mosquitto builds it with cJSON: the same members in
// the same order, cJSON's string escapes and, with pretty, cJSON_Print's tabs. ok is false when %J met a payload
// that is not JSON; then, as in mosquitto, nothing of the object is printed.
func appendJSON(dst []byte, m *message.Message, c *clock, raw, pretty bool) ([]byte, bool) {
	start := len(dst)
	w := jsonWriter{b: dst, pretty: pretty}
	root := w.open('{')

	w.member(&root, "tst")
	w.b = appendTimestamp(w.b, c)
	w.member(&root, "topic")
	w.b = appendJSONString(w.b, cString(m.Topic))
	w.member(&root, "qos")
	w.b = strconv.AppendInt(w.b, int64(m.QoS), 10)
	w.member(&root, "retain")
	if m.Retain {
		w.b = append(w.b, '1')
	} else {
		w.b = append(w.b, '0')
	}
	w.member(&root, "payloadlen")
	w.b = strconv.AppendInt(w.b, int64(len(m.Payload)), 10)
	if m.QoS > 0 {
		w.member(&root, "mid")
		w.b = strconv.AppendInt(w.b, int64(m.MID), 10)
	}
	if m.Props != nil {
		w.member(&root, "properties")
		w.properties(m.Props)
	}

	w.member(&root, "payload")
	switch {
	case len(m.Payload) == 0:
		// mosquitto hands cJSON a NULL payload for an empty message, in both %j and %J.
		w.b = append(w.b, "null"...)
	case raw:
		p := cjson{in: m.Payload, w: &w}
		if !p.document() {
			return dst[:start], false
		}
	case utf8.Valid(m.Payload):
		w.b = appendJSONBytes(w.b, m.Payload)
	default:
		// Deliberately unlike mosquitto, which prints the bytes up to the first NUL raw (often "" or invalid
		// JSON, eclipse/mosquitto#2213): a payload that is not UTF-8 goes out as base64 and says so.
		w.b = appendBase64(w.b, m.Payload)
		w.member(&root, "encoding")
		w.b = append(w.b, `"base64"`...)
	}
	w.close(&root, '}')
	return w.b, true
}

// properties prints the "properties" object. mosquitto lists properties in the order they came in the
// packet, which our Properties cannot tell; this is the order mosquitto_sub shows for a message from a mosquitto
// broker whose publisher packed properties in identifier order, as paho does: the broker puts the subscription
// identifiers first and re-adds the message expiry interval last.
func (w *jsonWriter) properties(p *message.Properties) {
	obj := w.open('{')
	for _, id := range p.SubscriptionIDs {
		w.member(&obj, "subscription-identifier")
		w.b = strconv.AppendInt(w.b, int64(uint32(id)), 10)
	}
	if p.PayloadFormat != nil {
		w.member(&obj, "payload-format-indicator")
		w.b = strconv.AppendInt(w.b, int64(*p.PayloadFormat), 10)
	}
	if p.ContentType != "" {
		w.member(&obj, "content-type")
		w.b = appendJSONString(w.b, cString(p.ContentType))
	}
	if p.ResponseTopic != "" {
		w.member(&obj, "response-topic")
		w.b = appendJSONString(w.b, cString(p.ResponseTopic))
	}
	if len(p.CorrelationData) > 0 {
		w.member(&obj, "correlation-data")
		if utf8.Valid(p.CorrelationData) {
			w.b = appendJSONBytes(w.b, p.CorrelationData)
		} else {
			// As for the payload: mosquitto prints binary correlation data raw, which is not JSON.
			w.b = appendBase64(w.b, p.CorrelationData)
			w.member(&obj, "correlation-data-encoding")
			w.b = append(w.b, `"base64"`...)
		}
	}
	if p.TopicAlias != nil {
		// mosquitto 2.0.11 reads this one with the wrong identifier and prints a stale value; a mosquitto
		// broker never sends a topic alias to mosquitto_sub, so the true value harms no comparison.
		w.member(&obj, "topic-alias")
		w.b = strconv.AppendInt(w.b, int64(*p.TopicAlias), 10)
	}
	if len(p.User) > 0 {
		// cJSON keeps duplicate keys, in order.
		w.member(&obj, "user-properties")
		users := w.open('{')
		for _, u := range p.User {
			w.member(&users, cString(u.Key))
			w.b = appendJSONString(w.b, cString(u.Value))
		}
		w.close(&users, '}')
	}
	if p.MessageExpiry != nil {
		w.member(&obj, "message-expiry-interval")
		w.b = strconv.AppendInt(w.b, int64(*p.MessageExpiry), 10)
	}
	w.close(&obj, '}')
}

// appendTimestamp prints "tst": strftime("%Y-%m-%dT%H:%M:%S.000000Z%z") with the microseconds filled in, so
// the 'Z' sits before the offset.
func appendTimestamp(dst []byte, c *clock) []byte {
	dst = append(dst, '"')
	dst = appendStrftime(dst, 'F', c)
	dst = append(dst, 'T')
	dst = appendStrftime(dst, 'T', c)
	dst = append(dst, '.')
	dst = appendZeroPadded(dst, c.nsec/1000, 6)
	dst = append(dst, 'Z')
	dst = appendStrftime(dst, 'z', c)
	return append(dst, '"')
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// jsonWriter lays out objects and arrays as cJSON does: compact, or with --pretty one member per line indented
// by tabs, "key":<TAB>value, and arrays kept on one line with ", " between elements.
type jsonWriter struct {
	b      []byte
	pretty bool
	depth  int
}

type container struct{ n int }

func (w *jsonWriter) open(bracket byte) container {
	w.b = append(w.b, bracket)
	w.depth++
	if w.pretty && bracket == '{' {
		w.b = append(w.b, '\n')
	}
	return container{}
}

// member starts the next member of an object: separator, indentation, key and colon.
func (w *jsonWriter) member(obj *container, key string) {
	w.startMember(obj)
	w.b = appendJSONString(w.b, key)
	w.colon()
}

// startMember writes what comes before a member's key.
func (w *jsonWriter) startMember(obj *container) {
	if obj.n > 0 {
		w.b = append(w.b, ',')
		if w.pretty {
			w.b = append(w.b, '\n')
		}
	}
	obj.n++
	if w.pretty {
		w.b = appendTabs(w.b, w.depth)
	}
}

func (w *jsonWriter) colon() {
	w.b = append(w.b, ':')
	if w.pretty {
		w.b = append(w.b, '\t')
	}
}

// element starts the next element of an array.
func (w *jsonWriter) element(arr *container) {
	if arr.n > 0 {
		w.b = append(w.b, ',')
		if w.pretty {
			w.b = append(w.b, ' ')
		}
	}
	arr.n++
}

func (w *jsonWriter) close(c *container, bracket byte) {
	if w.pretty && bracket == '}' {
		if c.n > 0 {
			w.b = append(w.b, '\n')
		}
		w.b = appendTabs(w.b, w.depth-1)
	}
	w.depth--
	w.b = append(w.b, bracket)
}

func appendTabs(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, '\t')
	}
	return dst
}

// appendJSONString quotes s as cJSON's print_string_ptr does: \" \\ \b \f \n \r \t, \u00xx (lower case) for
// other control bytes, everything else (DEL, '/', any byte >= 0x80) as is.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		dst = appendJSONByte(dst, s[i])
	}
	return append(dst, '"')
}

// appendJSONBytes is appendJSONString for a payload. Deliberately unlike cJSON, which stops at a NUL byte, a
// NUL is printed as \u0000 so that the payload survives.
func appendJSONBytes(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	for _, c := range b {
		dst = appendJSONByte(dst, c)
	}
	return append(dst, '"')
}

func appendJSONByte(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	if c < 0x20 {
		return append(dst, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xf])
	}
	return append(dst, c)
}
