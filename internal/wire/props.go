package wire

import (
	"encoding/binary"
	"fmt"

	"mqtt/internal/message"
)

// decodeProps reads the properties a PUBLISH may carry (MQTT 5 §3.3.2.3). Strings and binary data are
// copied: the message may outlive the buffer it was read from.
func decodeProps(b []byte, p *message.Properties) error {
	for len(b) > 0 {
		id := b[0]
		b = b[1:]
		var err error
		switch id {
		case 0x01: // payload format indicator
			var v byte
			if v, b, err = u8(b); err == nil {
				p.PayloadFormat = &v
			}
		case 0x02: // message expiry interval
			var v uint32
			if v, b, err = u32(b); err == nil {
				p.MessageExpiry = &v
			}
		case 0x23: // topic alias
			var v uint16
			if v, b, err = u16(b); err == nil {
				if v == 0 {
					return fmt.Errorf("%w: topic alias 0", ErrMalformed)
				}
				p.TopicAlias = &v
			}
		case 0x08: // response topic
			p.ResponseTopic, b, err = str(b)
		case 0x09: // correlation data
			var v []byte
			if v, b, err = bin(b); err == nil {
				p.CorrelationData = append([]byte{}, v...)
			}
		case 0x26: // user property
			var k, v string
			if k, b, err = str(b); err == nil {
				if v, b, err = str(b); err == nil {
					p.User = append(p.User, message.UserProperty{Key: k, Value: v})
				}
			}
		case 0x0b: // subscription identifier, once per matching subscription
			var v, n int
			if v, n, err = varint(b); err == nil {
				if n == 0 || v == 0 {
					return fmt.Errorf("%w: bad subscription identifier", ErrMalformed)
				}
				p.SubscriptionIDs = append(p.SubscriptionIDs, v)
				b = b[n:]
			}
		case 0x03: // content type
			p.ContentType, b, err = str(b)
		default:
			return fmt.Errorf("%w: property 0x%02x in a PUBLISH", ErrMalformed, id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var errShort = fmt.Errorf("%w: property longer than the packet", ErrMalformed)

func u8(b []byte) (byte, []byte, error) {
	if len(b) < 1 {
		return 0, nil, errShort
	}
	return b[0], b[1:], nil
}

func u16(b []byte) (uint16, []byte, error) {
	if len(b) < 2 {
		return 0, nil, errShort
	}
	return binary.BigEndian.Uint16(b), b[2:], nil
}

func u32(b []byte) (uint32, []byte, error) {
	if len(b) < 4 {
		return 0, nil, errShort
	}
	return binary.BigEndian.Uint32(b), b[4:], nil
}

func bin(b []byte) ([]byte, []byte, error) {
	if len(b) < 2 {
		return nil, nil, errShort
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		return nil, nil, errShort
	}
	return b[2 : 2+n], b[2+n:], nil
}

func str(b []byte) (string, []byte, error) {
	v, rest, err := bin(b)
	return string(v), rest, err
}

// StringProp finds property id, a UTF-8 string, in a property list of any packet (without its length).
func StringProp(b []byte, id byte) (string, bool) {
	for len(b) > 0 {
		pid := b[0]
		b = b[1:]
		var n int
		switch pid {
		case PropPayloadFormat, PropRequestProblemInfo, PropRequestResponseInfo, PropMaximumQoS,
			PropRetainAvailable, PropWildcardSubAvail, PropSubIDAvailable, PropSharedSubAvailable:
			n = 1
		case PropServerKeepAlive, PropReceiveMaximum, PropTopicAliasMaximum, PropTopicAlias:
			n = 2
		case PropMessageExpiry, PropSessionExpiry, PropWillDelay, PropMaximumPacketSize:
			n = 4
		case PropSubscriptionID:
			_, vn, err := varint(b)
			if err != nil || vn == 0 {
				return "", false
			}
			n = vn
		case PropUser:
			_, rest, err := bin(b)
			if err != nil {
				return "", false
			}
			n = len(b) - len(rest)
			_, rest, err = bin(rest)
			if err != nil {
				return "", false
			}
			n = len(b) - len(rest)
		default: // strings and binary data
			v, rest, err := bin(b)
			if err != nil {
				return "", false
			}
			if pid == id {
				return string(v), true
			}
			n = len(b) - len(rest)
		}
		if n > len(b) {
			return "", false
		}
		b = b[n:]
	}
	return "", false
}
