// Package protobuf decodes and encodes protobuf payloads: schema-less, from the wire format alone (Raw), or
// with a message type from a .proto file compiled at run time (Schema).
package protobuf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"mqtt/internal/jsonvalue"
)

// maxNesting is how deep the schema-less decoder looks for messages inside length-delimited fields.
const maxNesting = 64

// DecodeRaw decodes a protobuf message without its schema, as protoc --decode_raw does, into an object
// keyed by field number (as a string), in the order numbers first appear; a number seen more than once
// holds an array. Without a schema, wire types are all there is, so:
//   - a varint is an unsigned integer (a negative int32/int64 shows as its 64-bit two's complement, a
//     sint as its zigzag form);
//   - a fixed32 or fixed64 is a float when read as one it is a plain number (finite, zero or of magnitude
//     between 1e-9 and 1e15), else an unsigned integer;
//   - a length-delimited field is a string when it is UTF-8 text without control characters other than
//     tab and line ends, else a message when it parses as one, else bytes (base64);
//   - a group is a message.
func DecodeRaw(data []byte) (any, error) {
	if len(data) == 0 {
		return jsonvalue.Object{}, nil
	}
	return rawMessage(data, 0)
}

func rawMessage(b []byte, depth int) (jsonvalue.Object, error) {
	var out jsonvalue.Object
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, fmt.Errorf("field tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v any
		switch typ {
		case protowire.VarintType:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, fieldError(num, protowire.ParseError(n))
			}
			v, b = x, b[n:]
		case protowire.Fixed32Type:
			x, n := protowire.ConsumeFixed32(b)
			if n < 0 {
				return nil, fieldError(num, protowire.ParseError(n))
			}
			if f := math.Float32frombits(x); plausibleFloat(float64(f)) {
				v = f
			} else {
				v = uint64(x)
			}
			b = b[n:]
		case protowire.Fixed64Type:
			x, n := protowire.ConsumeFixed64(b)
			if n < 0 {
				return nil, fieldError(num, protowire.ParseError(n))
			}
			if f := math.Float64frombits(x); plausibleFloat(f) {
				v = f
			} else {
				v = x
			}
			b = b[n:]
		case protowire.BytesType:
			x, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, fieldError(num, protowire.ParseError(n))
			}
			v, b = rawBytes(x, depth), b[n:]
		case protowire.StartGroupType:
			x, n := protowire.ConsumeGroup(num, b)
			if n < 0 {
				return nil, fieldError(num, protowire.ParseError(n))
			}
			if depth >= maxNesting {
				return nil, errors.New("protobuf groups nested too deeply")
			}
			m, err := rawMessage(x, depth+1)
			if err != nil {
				return nil, fieldError(num, err)
			}
			v, b = m, b[n:]
		default:
			return nil, fieldError(num, fmt.Errorf("wire type %d", typ))
		}
		out = addField(out, strconv.Itoa(int(num)), v)
	}
	return out, nil
}

func fieldError(num protowire.Number, err error) error {
	return fmt.Errorf("field %d: %w", num, err)
}

// addField appends a field, or turns an earlier field of the same number into an array of both.
func addField(o jsonvalue.Object, key string, v any) jsonvalue.Object {
	for i := range o {
		if o[i].Key == key {
			// No single field decodes to an array, so an array here is always an earlier repeat.
			if a, ok := o[i].Value.([]any); ok {
				o[i].Value = append(a, v)
			} else {
				o[i].Value = []any{o[i].Value, v}
			}
			return o
		}
	}
	return append(o, jsonvalue.Member{Key: key, Value: v})
}

func rawBytes(b []byte, depth int) any {
	if rawText(b) {
		return string(b)
	}
	if depth < maxNesting {
		if m, err := rawMessage(b, depth+1); err == nil {
			return m
		}
	}
	return append([]byte(nil), b...) // not the payload's own bytes: its buffer may be reused
}

func rawText(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return utf8.Valid(b)
}

func plausibleFloat(f float64) bool {
	a := math.Abs(f)
	return a == 0 || a >= 1e-9 && a < 1e15
}
