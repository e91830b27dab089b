package codec

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"mqtt/internal/codec/avro"
	"mqtt/internal/codec/cbor"
	"mqtt/internal/codec/msgpack"
	"mqtt/internal/codec/protobuf"
	"mqtt/internal/jsonvalue"
	"mqtt/internal/payloadkind"
	"mqtt/internal/sparkplug"
)

// Encoder turns JSON text into payload bytes in one format, for pub --encode. It keeps state (Sparkplug
// B's seq and the datatypes of births), so one Encoder serves one stream of messages, in order.
//
// What each format takes: json, any JSON (sent as given, once checked); text, a JSON string (its UTF-8);
// hex and base64, a JSON string of hex or base64 digits (the bytes they spell); cbor and msgpack, any JSON;
// protobuf, with a .proto, the message in protobuf's JSON mapping, without one, an object keyed by field
// number (see protobuf.EncodeRaw); avro, a datum of the schema in plain JSON; sparkplug, the payload object
// Decoder writes (see sparkplug.Encoder for what is filled in).
type Encoder struct {
	format    string
	parser    jsonvalue.Parser
	cbor      *cbor.Encoder
	msgpack   *msgpack.Encoder
	proto     *protobuf.Schema
	avro      *avro.Schema
	sparkplug *sparkplug.Encoder
}

// NewEncoder returns the encoder o asks for, having read and compiled every file it needs.
func NewEncoder(o Options) (*Encoder, error) {
	e := &Encoder{format: o.format()}
	switch e.format {
	case Text, JSON, Hex, Base64:
	case CBOR:
		e.cbor = cbor.NewEncoder()
	case MsgPack:
		e.msgpack = msgpack.NewEncoder()
	case Protobuf:
		s, err := protoSchema(&o)
		if err != nil {
			return nil, err
		}
		e.proto = s
	case Avro:
		s, err := avroSchema(&o)
		if err != nil {
			return nil, err
		}
		e.avro = s
	case Sparkplug:
		e.sparkplug = sparkplug.NewEncoder()
	default:
		return nil, &FormatError{Format: o.Format, Known: EncodeFormats}
	}
	return e, nil
}

// SetClock sets the clock Sparkplug B timestamps are read from (tests; nil is time.Now).
func (e *Encoder) SetClock(now func() time.Time) {
	if e.sparkplug != nil {
		e.sparkplug.Now = now
	}
}

// Format is the format's name.
func (e *Encoder) Format() string { return e.format }

// Encode appends the payload for a message on topic (Sparkplug B reads the message type from it) made from
// the JSON text in. Failures are *EncodeError, whose Err names the field where it can
// (*jsonvalue.FieldError).
func (e *Encoder) Encode(dst []byte, topic string, in []byte) ([]byte, error) {
	out, err := e.encode(dst, topic, in)
	if err != nil {
		return dst, &EncodeError{Format: e.format, Err: err}
	}
	return out, nil
}

var errWantString = errors.New("want a JSON string")

func (e *Encoder) encode(dst []byte, topic string, in []byte) ([]byte, error) {
	switch e.format {
	case JSON:
		if !payloadkind.IsJSON(in) {
			_, err := e.parser.Parse(in)
			if err == nil {
				err = errNotJSON
			}
			return dst, err
		}
		return append(dst, in...), nil
	case Protobuf:
		if e.proto != nil {
			return e.proto.Encode(dst, in)
		}
	case Avro:
		return e.avro.Encode(dst, in)
	}
	tree, err := e.parser.ParseOrdered(in)
	if err != nil {
		return dst, err
	}
	switch e.format {
	case Text, Hex, Base64:
		s, ok := tree.(string)
		if !ok {
			return dst, fmt.Errorf("%w, not %s", errWantString, jsonvalue.Kind(tree))
		}
		switch e.format {
		case Hex:
			b, err := hex.DecodeString(s)
			if err != nil {
				return dst, fmt.Errorf("not hex: %w", err)
			}
			return append(dst, b...), nil
		case Base64:
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return dst, fmt.Errorf("not base64: %w", err)
			}
			return append(dst, b...), nil
		}
		return append(dst, s...), nil
	case CBOR:
		return e.cbor.Encode(dst, tree)
	case MsgPack:
		return e.msgpack.Encode(dst, tree)
	case Protobuf:
		return protobuf.EncodeRaw(dst, tree)
	case Sparkplug:
		return e.sparkplug.Encode(dst, topic, tree)
	}
	return dst, fmt.Errorf("no encoder for %s", e.format)
}
