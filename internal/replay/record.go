// Package replay reads a recording made by `mqtt sub --json` and publishes it again against the
// recording's own clock: the i-th message is due at start + (t_i - t_0)/speed, so a slow publish or a long
// gap never makes the rest drift.
package replay

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"mqtt/internal/message"
)

// Record is one message of a recording.
type Record struct {
	// Message holds what is published again: topic, payload, QoS, retain and the v5 properties as recorded.
	// Received is zero: the recorded time is Time.
	Message message.Message
	// Time is when the message was received, from "time_ns" or else "time"; zero when the line has neither.
	Time time.Time
	// Line is where the record starts in the recording, counting from 1.
	Line int
}

// TimeNSField is the member that carries the receive time in nanoseconds since the Unix epoch, as an integer
// (or a string of digits, for tools that cannot hold 64-bit integers). "time" holds only microseconds, which
// is coarser than a replay can keep to.
const TimeNSField = "time_ns"

// jsonRecord is the line `mqtt sub --json` writes. Members it does not need (dup, mid, size) are ignored,
// as are members a later version adds.
type jsonRecord struct {
	Topic      *string         `json:"topic"`
	Payload    json.RawMessage `json:"payload"`
	Encoding   string          `json:"encoding"`
	QoS        *int            `json:"qos"`
	Retain     bool            `json:"retain"`
	Time       string          `json:"time"`
	TimeNS     json.RawMessage `json:"time_ns"`
	Properties *jsonProperties `json:"properties"`
}

type jsonProperties struct {
	PayloadFormat           *byte      `json:"payload-format-indicator"`
	MessageExpiry           *uint32    `json:"message-expiry-interval"`
	ContentType             string     `json:"content-type"`
	ResponseTopic           string     `json:"response-topic"`
	CorrelationData         *string    `json:"correlation-data"`
	CorrelationDataEncoding string     `json:"correlation-data-encoding"`
	SubscriptionIDs         []int      `json:"subscription-identifier"`
	TopicAlias              *uint16    `json:"topic-alias"`
	User                    [][]string `json:"user-property"`
}

// Errors in a record. A *LineError wraps them with the line number.
var (
	ErrNoTopic     = errors.New(`no "topic"`)
	ErrEncoding    = errors.New(`unknown "encoding"`)
	ErrBase64      = errors.New("payload is not valid base64")
	ErrHex         = errors.New("payload is not valid hex")
	ErrQoS         = errors.New(`"qos" must be 0, 1 or 2`)
	ErrTime        = errors.New(`"time" is not an RFC 3339 time`)
	ErrTimeNS      = errors.New(`"time_ns" is not an integer number of nanoseconds`)
	ErrUserProp    = errors.New(`a "user-property" is not a [name, value] pair`)
	ErrCorrelation = errors.New("correlation data is not valid base64")
)

// decodeRecord parses one JSON object.
func decodeRecord(b []byte) (Record, error) {
	var j jsonRecord
	if err := json.Unmarshal(b, &j); err != nil {
		return Record{}, err
	}
	if j.Topic == nil || *j.Topic == "" {
		return Record{}, ErrNoTopic
	}
	var r Record
	m := &r.Message
	m.Topic = *j.Topic
	var err error
	if m.Payload, err = decodePayload(j.Payload, j.Encoding); err != nil {
		return Record{}, err
	}
	if j.QoS != nil {
		if *j.QoS < 0 || *j.QoS > 2 {
			return Record{}, ErrQoS
		}
		m.QoS = byte(*j.QoS)
	}
	m.Retain = j.Retain
	if r.Time, err = decodeTime(j.TimeNS, j.Time); err != nil {
		return Record{}, err
	}
	if j.Properties != nil {
		if m.Props, err = j.Properties.decode(); err != nil {
			return Record{}, err
		}
	}
	return r, nil
}

// decodePayload turns "payload" back into bytes: a string is the payload itself (UTF-8), or its base64 with
// "encoding":"base64", or its hex with "encoding":"hex" (--output hex); any other JSON value was embedded by --json-payload and comes back compacted, as it
// was written.
func decodePayload(raw json.RawMessage, encoding string) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '"' {
		if encoding != "" {
			return nil, ErrEncoding
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	switch encoding {
	case "":
		return []byte(s), nil
	case "base64":
		p, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, ErrBase64
		}
		return p, nil
	case "hex":
		p, err := hex.DecodeString(s)
		if err != nil {
			return nil, ErrHex
		}
		return p, nil
	}
	return nil, ErrEncoding
}

// decodeTime prefers the nanoseconds; "time" (microseconds) is the fallback for recordings made before
// "time_ns" existed.
func decodeTime(ns json.RawMessage, rfc string) (time.Time, error) {
	if len(ns) > 0 && string(ns) != "null" {
		digits := ns
		if ns[0] == '"' {
			digits = ns[1 : len(ns)-1]
		}
		n, err := strconv.ParseInt(string(digits), 10, 64)
		if err != nil {
			return time.Time{}, ErrTimeNS
		}
		return time.Unix(0, n), nil
	}
	if rfc == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, rfc)
	if err != nil {
		return time.Time{}, ErrTime
	}
	return t, nil
}

func (j *jsonProperties) decode() (*message.Properties, error) {
	p := &message.Properties{
		PayloadFormat: j.PayloadFormat, MessageExpiry: j.MessageExpiry, ContentType: j.ContentType,
		ResponseTopic: j.ResponseTopic, SubscriptionIDs: j.SubscriptionIDs, TopicAlias: j.TopicAlias,
	}
	if j.CorrelationData != nil {
		switch j.CorrelationDataEncoding {
		case "":
			p.CorrelationData = []byte(*j.CorrelationData)
		case "base64":
			d, err := base64.StdEncoding.DecodeString(*j.CorrelationData)
			if err != nil {
				return nil, ErrCorrelation
			}
			p.CorrelationData = d
		default:
			return nil, ErrEncoding
		}
	}
	for _, kv := range j.User {
		if len(kv) != 2 {
			return nil, ErrUserProp
		}
		p.User = append(p.User, message.UserProperty{Key: kv[0], Value: kv[1]})
	}
	return p, nil
}

// LineError is a record that could not be read, with the line it starts on.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }
