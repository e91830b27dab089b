package property

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"mqtt/internal/message"
	"mqtt/internal/topic"
	"mqtt/internal/wire"
)

// maxString is the longest string or binary value MQTT can carry: a 16-bit length prefix.
const maxString = 65535

// maxVarint is the largest variable byte integer, the subscription identifier's type.
const maxVarint = wire.MaxVarint

var numberMax = map[kind]int64{kindByte: 0xff, kindUint16: 0xffff, kindUint32: 0xffffffff, kindVarint: 0xffffffff}

// add checks the value as mosquitto's cfg_parse_property and mosquitto_property_add_* do, then stores it.
func (s *Set) add(c command, p info, name string, values []string) error {
	v := values[0]
	if s.Strict {
		if err := strict(p, name, values); err != nil {
			return err
		}
	}
	switch p.kind {
	case kindByte, kindUint16, kindUint32, kindVarint:
		n := atol(v)
		if n < 0 || n > numberMax[p.kind] {
			return refuse(OutOfRange, msgOutOfRange, n, name)
		}
		// mosquitto checks a varint against uint32 first, then refuses it less kindly when adding it.
		if p.kind == kindVarint && n > maxVarint {
			return refuse(AddFailed, msgAddFailed, name, p.kind)
		}
		t := s.target(c)
		setNumber(t, p.id, uint32(n))
		t.Order = append(t.Order, byte(p.id))
		s.given[c] = append(s.given[c], given{id: p.id, bad: forbidden(p, n)})
		return nil
	case kindBinary:
		if len(v) > maxString {
			return refuse(TooLong, msgTooLong, name)
		}
		setBinary(s.target(c), p.id, v)
	case kindString:
		if !validString(v) {
			return refuse(AddFailed, msgAddFailed, name, p.kind)
		}
		setString(s.target(c), p.id, v)
	case kindPair:
		if !validString(v) || !validPairValue(values[1]) {
			return refuse(AddFailed, msgAddFailed, name, p.kind)
		}
		t := s.target(c)
		t.User = append(t.User, message.UserProperty{Key: v, Value: values[1]})
	}
	t := s.target(c)
	t.Order = append(t.Order, byte(p.id))
	s.given[c] = append(s.given[c], given{id: p.id})
	return nil
}

// validString is mosquitto_property_add_string's check, except that mosquitto lets a string of exactly
// 65536 bytes through and then sends its length as 0, a corrupt packet; here it is refused too.
func validString(v string) bool {
	return len(v) <= maxString && topic.ValidUTF8(v)
}

// validPairValue: mosquitto means to check a user property's value like its key, but checks zero bytes
// of it (slen_value is never set), so it sends anything. Its broker then drops the connection over a
// control character while mosquitto_pub exits 0; other brokers may accept those, which MQTT 5 only
// advises against. So refuse just what no broker can take: bad UTF-8, U+0000, or too long to encode.
func validPairValue(v string) bool {
	if len(v) > maxString || !utf8.ValidString(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] == 0 {
			return false
		}
	}
	return true
}

// forbidden is mosquitto_property_check_all's value rule, which Check reports. 2.0.11 leaves
// payload-format-indicator out of it, so 2 to 255 are sent (and its broker passes them on); later
// versions refuse them.
func forbidden(p info, n int64) bool {
	switch {
	case p.kind == kindByte && p.id != idPayloadFormat:
		return n > 1
	case p.id == idReceiveMaximum, p.id == idTopicAlias, p.id == idMaximumPacketSize:
		return n == 0
	}
	return false
}

func setNumber(t *message.Properties, i id, n uint32) {
	b, u16 := byte(n), uint16(n)
	switch i {
	case idPayloadFormat:
		t.PayloadFormat = &b
	case idRequestProblemInfo:
		t.RequestProblemInfo = &b
	case idRequestResponseInfo:
		t.RequestResponseInfo = &b
	case idMaximumQoS:
		t.MaximumQoS = &b
	case idRetainAvailable:
		t.RetainAvailable = &b
	case idWildcardSubAvailable:
		t.WildcardSubAvailable = &b
	case idSubIDAvailable:
		t.SubIDAvailable = &b
	case idSharedSubAvailable:
		t.SharedSubAvailable = &b
	case idServerKeepAlive:
		t.ServerKeepAlive = &u16
	case idReceiveMaximum:
		t.ReceiveMaximum = &u16
	case idTopicAliasMaximum:
		t.TopicAliasMaximum = &u16
	case idTopicAlias:
		t.TopicAlias = &u16
	case idMessageExpiry:
		t.MessageExpiry = &n
	case idSessionExpiry:
		t.SessionExpiry = &n
	case idWillDelay:
		t.WillDelay = &n
	case idMaximumPacketSize:
		t.MaximumPacketSize = &n
	case idSubscriptionID:
		t.SubscriptionIDs = append(t.SubscriptionIDs, int(n))
	}
}

func setString(t *message.Properties, i id, v string) {
	switch i {
	case idContentType:
		t.ContentType = v
	case idResponseTopic:
		t.ResponseTopic = v
	case idAssignedClientID:
		t.AssignedClientID = v
	case idAuthMethod:
		t.AuthMethod = v
	case idResponseInfo:
		t.ResponseInfo = v
	case idServerReference:
		t.ServerReference = v
	case idReasonString:
		t.ReasonString = v
	}
}

// setBinary keeps an empty value non-nil: correlation-data "" is present, unlike no correlation-data.
func setBinary(t *message.Properties, i id, v string) {
	b := []byte(v)
	if i == idAuthData {
		t.AuthData = b
	} else {
		t.CorrelationData = b
	}
}

// strict is Set.Strict's checks, made before mosquitto's so that its own words come first.
func strict(p info, name string, values []string) error {
	v := values[0]
	switch p.kind {
	case kindByte, kindUint16, kindUint32, kindVarint:
		n, err := strconv.ParseInt(v, 10, 64)
		if errors.Is(err, strconv.ErrSyntax) {
			return refuse(NotANumber, msgNotANumber, v, name)
		}
		// Out of int64's range: mosquitto's own check says so, with atol's saturated value.
		limit := numberMax[p.kind]
		switch {
		case p.id == idPayloadFormat:
			limit = 1 // MQTT 5 knows 0 (bytes) and 1 (UTF-8); a broker may drop a client for 2
		case p.kind == kindVarint:
			limit = maxVarint
		}
		if err == nil && n > limit && n <= numberMax[p.kind] {
			return refuse(OutOfRange, msgOutOfRange, n, name)
		}
	case kindString:
		if len(v) <= maxString {
			return strictUTF8(msgStrictUTF8, name, v)
		}
		return refuse(TooLong, msgTooLong, name)
	case kindPair:
		if len(v) > maxString || len(values[1]) > maxString {
			return refuse(TooLong, msgTooLong, name)
		}
		if err := strictUTF8(msgStrictUTF8K, name, v); err != nil {
			return err
		}
		if at, what, bad := firstBadPairValue(values[1]); bad {
			return refuse(AddFailed, msgStrictUTF8, name, what, at)
		}
	}
	return nil
}

func strictUTF8(format, name, v string) error {
	if at, what, bad := topic.FirstInvalid(v); bad {
		return refuse(AddFailed, format, name, what, at)
	}
	return nil
}

// firstBadPairValue is FirstInvalid for what validPairValue refuses: U+0000 and bytes that are not UTF-8.
func firstBadPairValue(v string) (at int, what string, bad bool) {
	for i, r := range v {
		switch {
		case r == 0:
			return i, "NUL (U+0000)", true
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return i, fmt.Sprintf("invalid byte 0x%02x", v[i]), true
		}
	}
	return 0, "", false
}
