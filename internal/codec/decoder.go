package codec

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"mqtt/internal/codec/avro"
	"mqtt/internal/codec/cbor"
	"mqtt/internal/codec/msgpack"
	"mqtt/internal/codec/protobuf"
	"mqtt/internal/jsonvalue"
	"mqtt/internal/payloadkind"
	"mqtt/internal/sparkplug"
)

// Decoder decodes payloads in one format. It keeps state (Sparkplug B aliases, reused buffers), so one
// Decoder serves one stream of messages, in order, from one goroutine.
type Decoder struct {
	format string
	value  Value
	parser jsonvalue.Parser
	buf    []byte // the compact JSON of formats that write text

	cbor      *cbor.Decoder
	msgpack   *msgpack.Decoder
	proto     *protobuf.Schema
	avro      *avro.Schema
	sparkplug *sparkplug.Decoder
}

// NewDecoder returns the decoder o asks for, having read and compiled every file it needs.
func NewDecoder(o Options) (*Decoder, error) {
	d := &Decoder{format: o.format()}
	switch d.format {
	case Auto:
		d.sparkplug = sparkplug.NewDecoder()
	case Text, JSON, Hex, Base64:
	case CBOR:
		d.cbor = cbor.NewDecoder()
	case MsgPack:
		d.msgpack = msgpack.NewDecoder()
	case Protobuf:
		s, err := protoSchema(&o)
		if err != nil {
			return nil, err
		}
		d.proto = s
	case Avro:
		s, err := avroSchema(&o)
		if err != nil {
			return nil, err
		}
		d.avro = s
	case Sparkplug:
		d.sparkplug = sparkplug.NewDecoder()
	default:
		return nil, &FormatError{Format: o.Format, Known: Formats}
	}
	return d, nil
}

// protoSchema compiles the .proto o names, or gives nil for schema-less protobuf.
func protoSchema(o *Options) (*protobuf.Schema, error) {
	if o.ProtoFile == "" {
		if o.ProtoType != "" {
			return nil, &FormatError{Format: Protobuf, Reason: "a protobuf message type needs the .proto file that declares it"}
		}
		return nil, nil
	}
	return protobuf.NewSchema(o.schema())
}

func avroSchema(o *Options) (*avro.Schema, error) {
	if o.AvroSchema == "" {
		return nil, &FormatError{Format: Avro, Reason: "avro needs a schema file (.avsc)"}
	}
	text, err := o.readFile(o.AvroSchema)
	if err != nil {
		return nil, err
	}
	return avro.NewSchema(o.AvroSchema, text)
}

// Format is the format's name ("auto" for an empty Options.Format).
func (d *Decoder) Format() string { return d.format }

// Decode decodes the payload of a message on topic. A payload that does not decode is a *DecodeError; the
// Value is then nil.
func (d *Decoder) Decode(topic string, payload []byte) (v *Value, err error) {
	v = &d.value
	v.reset(&d.parser)
	defer func() {
		// A decoder that panics on some payload (a library's bug) must not end the run: the payload is
		// reported as not decoding, like any other.
		if r := recover(); r != nil {
			v, err = nil, &DecodeError{Format: d.format, Err: fmt.Errorf("the decoder failed: %v", r)}
		}
	}()
	if err := d.decode(v, topic, payload); err != nil {
		return nil, &DecodeError{Format: d.format, Err: err}
	}
	return v, nil
}

var errNotUTF8 = errors.New("invalid UTF-8")

func (d *Decoder) decode(v *Value, topic string, payload []byte) error {
	switch d.format {
	case Auto:
		return d.auto(v, topic, payload)
	case JSON:
		return d.json(v, payload)
	case Text:
		if !utf8.Valid(payload) {
			return errNotUTF8
		}
		v.kind, v.src, v.data = KindText, srcText, payload
	case Hex, Base64:
		v.kind, v.src, v.data = KindBinary, srcHex, payload
		if d.format == Base64 {
			v.src = srcBase64
		}
	case CBOR:
		return d.tree(v)(d.cbor.Decode(payload))
	case MsgPack:
		return d.tree(v)(d.msgpack.Decode(payload))
	case Protobuf:
		if d.proto == nil {
			return d.tree(v)(protobuf.DecodeRaw(payload))
		}
		return d.text(v)(d.proto.Decode(d.buf[:0], payload))
	case Avro:
		return d.text(v)(d.avro.Decode(d.buf[:0], payload))
	case Sparkplug:
		tree, note, err := d.sparkplug.Decode(topic, payload)
		v.note = note
		return d.tree(v)(tree, err)
	}
	return nil
}

func (d *Decoder) tree(v *Value) func(any, error) error {
	return func(tree any, err error) error {
		v.kind, v.src, v.tree = KindJSON, srcTree, tree
		return err
	}
}

func (d *Decoder) text(v *Value) func([]byte, error) error {
	return func(b []byte, err error) error {
		d.buf = b
		v.kind, v.src, v.data = KindJSON, srcCompact, b
		return err
	}
}

var errNotJSON = errors.New("invalid JSON")

func (d *Decoder) json(v *Value, payload []byte) error {
	v.kind, v.src, v.data = KindJSON, srcRaw, payload
	if !jsonvalue.Valid(payload) {
		_, err := d.parser.Parse(payload) // for where and why
		if err == nil {
			err = errNotJSON
		}
		return err
	}
	return nil
}

// auto is --decode auto: JSON, then Sparkplug B on its topics, then text, then hex. It never fails.
func (d *Decoder) auto(v *Value, topic string, payload []byte) error {
	if len(payload) > 0 && payloadkind.IsJSON(payload) { // no error built for the many payloads that are not
		v.kind, v.src, v.data = KindJSON, srcRaw, payload
		return nil
	}
	if sparkplug.IsTopic(topic) {
		if tree, note, err := d.sparkplug.Decode(topic, payload); err == nil {
			v.note = note
			return d.tree(v)(tree, nil)
		}
	}
	if payloadkind.IsText(payload) {
		v.kind, v.src, v.data = KindText, srcText, payload
		return nil
	}
	v.kind, v.src, v.data = KindBinary, srcHex, payload
	return nil
}
