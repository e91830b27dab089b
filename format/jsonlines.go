package format

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
	"mqtt/internal/payloadkind"
)

// JSONOptions are the flags of --json.
type JSONOptions struct {
	Pretty       bool // --pretty: indent by two spaces, one member per line
	EmbedPayload bool // --json-payload: a payload that is JSON goes in as JSON, not as a string
	// Location is the time zone of "time"; nil means UTC.
	Location *time.Location
	// Output is --output: "" or "text" for the payload as described at JSONLines, "hex" for lower-case hex
	// and "base64" for base64 whatever the payload, each followed by "encoding". It wins over EmbedPayload.
	Output string
}

// JSONLines prints each message as one JSON object per line (several lines with Pretty), binary-safe and
// lossless, unlike mosquitto's %j: for a tool to read, not for comparison with mosquitto. It is immutable and
// safe for concurrent use.
//
// Members, in this order: "topic"; "payload", a string when the payload is UTF-8, else base64 followed by
// "encoding":"base64" (with EmbedPayload, a payload that is valid JSON is embedded as JSON instead; an empty
// payload is never JSON, so it is ""); "decoded", when the payload was decoded (AppendDecoded), its
// value as JSON; "qos", "retain", "dup", "mid" (0 at QoS 0); "time", the receive time
// in RFC 3339 with microseconds; "time_ns", the same time in nanoseconds since the Unix epoch (what
// `mqtt pub --replay` schedules by); "size", the payload length in bytes; and, when the message has MQTT 5
// properties, "properties" with each PUBLISH property under its spec name as mosquitto_pub -D spells it.
type JSONLines struct {
	pretty bool
	embed  bool
	loc    *time.Location
	output output
}

var _ Printer = (*JSONLines)(nil)

// NewJSONLines returns the --json printer; the error is an Output it does not know.
func NewJSONLines(o JSONOptions) (*JSONLines, error) {
	out, ok := parseOutput(o.Output)
	if !ok {
		return nil, fmt.Errorf("unknown --output %q: use text, hex or base64", o.Output)
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	return &JSONLines{pretty: o.Pretty, embed: o.EmbedPayload && out == outputText, loc: loc, output: out}, nil
}

// Append appends m as one JSON object and a newline. It never fails, and it allocates nothing once dst has
// room.
func (j *JSONLines) Append(dst []byte, m *message.Message) ([]byte, error) {
	return j.append(dst, m, nil)
}

// append appends m, with decoded (compact JSON) as "decoded" when it is not nil.
func (j *JSONLines) append(dst []byte, m *message.Message, decoded []byte) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"topic":`...)
	dst = appendJSONText(dst, m.Topic)
	dst = append(dst, `,"payload":`...)
	dst = j.appendPayload(dst, m.Payload)
	if decoded != nil {
		dst = append(dst, `,"decoded":`...)
		dst = append(dst, decoded...)
	}
	dst = append(dst, `,"qos":`...)
	dst = strconv.AppendUint(dst, uint64(m.QoS), 10)
	dst = append(dst, `,"retain":`...)
	dst = strconv.AppendBool(dst, m.Retain)
	dst = append(dst, `,"dup":`...)
	dst = strconv.AppendBool(dst, m.Dup)
	dst = append(dst, `,"mid":`...)
	dst = strconv.AppendUint(dst, uint64(m.MID), 10)
	dst = append(dst, `,"time":"`...)
	dst = appendRFC3339Micro(dst, m.Received.In(j.loc))
	// "time_ns" is the same instant to the nanosecond, for a replay to keep the recorded gaps.
	dst = append(dst, `","time_ns":`...)
	dst = strconv.AppendInt(dst, m.Received.UnixNano(), 10)
	dst = append(dst, `,"size":`...)
	dst = strconv.AppendInt(dst, int64(len(m.Payload)), 10)
	if m.Props != nil {
		dst = append(dst, `,"properties":`...)
		dst = appendJSONProperties(dst, m.Props)
	}
	dst = append(dst, '}')
	if j.pretty {
		// Written compact, then laid out again after itself and moved back: one layout routine for the
		// envelope and an embedded payload alike, and no buffer of our own.
		mid := len(dst)
		dst = appendJSONLayout(dst, dst[start:mid], true)
		n := copy(dst[start:], dst[mid:])
		dst = dst[:start+n]
	}
	return append(dst, '\n'), nil
}

// appendPayload appends the "payload" value, followed by the "encoding" member when it is hex or base64.
func (j *JSONLines) appendPayload(dst, p []byte) []byte {
	switch {
	case j.output == outputHex:
		dst = append(dst, '"')
		dst = hex.AppendEncode(dst, p)
		return append(dst, `","encoding":"hex"`...)
	case j.output == outputBase64 || !utf8.Valid(p):
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, p)
		return append(dst, `","encoding":"base64"`...)
	case j.embed && payloadkind.IsJSON(p):
		// IsJSON does not check the UTF-8 inside strings; the payload must be UTF-8 to stay JSON.
		// Compacted, so that the object stays on one line (the pretty layout re-indents it anyway).
		return appendJSONLayout(dst, p, false)
	}
	return appendJSONBytes(dst, p)
}

// appendJSONProperties appends the PUBLISH properties in identifier order. The others in message.Properties
// (session expiry, reason string and so on) belong to other packets and never come with a message.
func appendJSONProperties(dst []byte, p *message.Properties) []byte {
	dst = append(dst, '{')
	if p.PayloadFormat != nil {
		dst = appendJSONKey(dst, "payload-format-indicator")
		dst = strconv.AppendUint(dst, uint64(*p.PayloadFormat), 10)
	}
	if p.MessageExpiry != nil {
		dst = appendJSONKey(dst, "message-expiry-interval")
		dst = strconv.AppendUint(dst, uint64(*p.MessageExpiry), 10)
	}
	if p.ContentType != "" {
		dst = appendJSONKey(dst, "content-type")
		dst = appendJSONText(dst, p.ContentType)
	}
	if p.ResponseTopic != "" {
		dst = appendJSONKey(dst, "response-topic")
		dst = appendJSONText(dst, p.ResponseTopic)
	}
	if len(p.CorrelationData) > 0 {
		dst = appendJSONKey(dst, "correlation-data")
		if utf8.Valid(p.CorrelationData) {
			dst = appendJSONBytes(dst, p.CorrelationData)
		} else {
			dst = appendBase64(dst, p.CorrelationData)
			dst = append(dst, `,"correlation-data-encoding":"base64"`...)
		}
	}
	if len(p.SubscriptionIDs) > 0 {
		// A message matching several subscriptions carries one identifier for each.
		dst = appendJSONKey(dst, "subscription-identifier")
		for i, id := range p.SubscriptionIDs {
			dst = appendListSep(dst, i)
			dst = strconv.AppendInt(dst, int64(id), 10)
		}
		dst = append(dst, ']')
	}
	if p.TopicAlias != nil {
		dst = appendJSONKey(dst, "topic-alias")
		dst = strconv.AppendUint(dst, uint64(*p.TopicAlias), 10)
	}
	if len(p.User) > 0 {
		// Pairs, not an object: names repeat, and their order is part of the message.
		dst = appendJSONKey(dst, "user-property")
		for i, u := range p.User {
			dst = appendListSep(dst, i)
			dst = append(dst, '[')
			dst = appendJSONText(dst, u.Key)
			dst = append(dst, ',')
			dst = appendJSONText(dst, u.Value)
			dst = append(dst, ']')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendJSONKey starts a member of the object being written: a comma unless it is the first, the key (which
// needs no escaping) and the colon.
func appendJSONKey(dst []byte, key string) []byte {
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

// appendListSep opens a list before its element i == 0, else separates element i from the one before.
func appendListSep(dst []byte, i int) []byte {
	if i == 0 {
		return append(dst, '[')
	}
	return append(dst, ',')
}

// appendJSONText quotes a protocol string. MQTT requires UTF-8 there, but a broker may pass anything on, and
// the output must stay JSON: a byte that is not part of valid UTF-8 becomes U+FFFD. Unlike %j, a NUL does not
// cut the string; it is escaped.
func appendJSONText(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = appendJSONByte(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

// appendJSONLayout appends src, which must be valid JSON, without its insignificant white space: compact, or
// with pretty indented as json.Indent(dst, src, "", "  ") does it, empty objects and arrays kept as {} and [].
func appendJSONLayout(dst, src []byte, pretty bool) []byte {
	depth := 0
	inString, escaped := false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		case '{', '[':
			if !pretty {
				break
			}
			dst = append(dst, c)
			if k := skipJSONSpace(src, i+1); k < len(src) && (src[k] == '}' || src[k] == ']') {
				dst = append(dst, src[k])
				i = k
				continue
			}
			depth++
			dst = appendIndent(dst, depth)
			continue
		case '}', ']':
			if pretty {
				depth--
				dst = appendIndent(dst, depth)
			}
		case ',':
			if pretty {
				dst = append(dst, ',')
				dst = appendIndent(dst, depth)
				continue
			}
		case ':':
			if pretty {
				dst = append(dst, ':', ' ')
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// appendIndent starts a new line indented by depth levels of two blanks.
func appendIndent(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	return appendBlank(dst, ' ', 2*depth)
}
