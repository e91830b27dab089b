// Package avro decodes and encodes Avro payloads with a schema (.avsc), with github.com/linkedin/goavro/v2.
//
// A payload is one binary-encoded datum, or a single-object encoding (0xC3 0x01, the schema's CRC-64-AVRO
// fingerprint, the datum) whose fingerprint matches the schema. JSON is plain JSON rather than the Avro JSON
// encoding: a union's value is written as it is, without a {"type": value} wrapper, as Python's avro and
// most tools read it, so that a filter sees .payload.note and not .payload.note.string; records keep their
// schema's field order. Bytes and fixed are JSON strings of code points 0 to 255, as Avro's JSON has them.
package avro

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/linkedin/goavro/v2"

	"mqtt/internal/jsonvalue"
)

// Schema decodes and encodes datums of one Avro schema. It is immutable and safe for concurrent use.
type Schema struct {
	codec *goavro.Codec
	tree  *node
	soe   [10]byte // single-object encoding header
}

// SchemaError is an .avsc that is not a valid Avro schema.
type SchemaError struct {
	File string
	Err  error
}

func (e *SchemaError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *SchemaError) Unwrap() error { return e.Err }

// NewSchema parses the schema text read from file (named in errors).
func NewSchema(file string, schema []byte) (*Schema, error) {
	c, err := goavro.NewCodecForStandardJSONFull(string(schema))
	if err != nil {
		return nil, &SchemaError{File: file, Err: err}
	}
	tree, err := parseOrder(schema)
	if err != nil {
		return nil, &SchemaError{File: file, Err: err}
	}
	s := &Schema{codec: c, tree: tree}
	s.soe[0], s.soe[1] = 0xC3, 0x01
	binary.LittleEndian.PutUint64(s.soe[2:], c.Rabin)
	return s, nil
}

// Decode appends the compact JSON of the datum in payload.
func (s *Schema) Decode(dst, payload []byte) (out []byte, err error) {
	defer func() {
		// A payload from the network must not end mqtt, whatever the library does with it.
		if r := recover(); r != nil {
			out, err = dst, fmt.Errorf("malformed Avro datum (the decoder failed: %v)", r)
		}
	}()
	payload = bytes.TrimPrefix(payload, s.soe[:])
	native, rest, err := s.codec.NativeFromBinary(payload)
	if err != nil {
		return dst, err
	}
	if len(rest) != 0 {
		return dst, fmt.Errorf("%d bytes after the Avro datum", len(rest))
	}
	text, err := s.codec.TextualFromNative(nil, native)
	if err != nil {
		return dst, err
	}
	var p jsonvalue.Parser
	v, err := p.ParseOrdered(text)
	if err != nil {
		return dst, err
	}
	return jsonvalue.Append(dst, s.tree.order(v)), nil
}

// Encode appends the binary encoding of the datum in jsonText. JSON that does not fit the schema fails with
// a *jsonvalue.FieldError whose message names the field.
func (s *Schema) Encode(dst, jsonText []byte) ([]byte, error) {
	native, rest, err := s.codec.NativeFromTextual(jsonText)
	if err != nil {
		var p jsonvalue.Parser
		if v, perr := p.ParseOrdered(jsonText); perr == nil {
			if path := s.tree.missing(v, ""); path != "" {
				return dst, &jsonvalue.FieldError{Path: path, Err: fmt.Errorf("missing (the schema gives it no default)")}
			}
		}
		return dst, &jsonvalue.FieldError{Err: err}
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return dst, &jsonvalue.FieldError{Err: fmt.Errorf("text after the JSON value")}
	}
	out, err := s.codec.BinaryFromNative(dst, native)
	if err != nil {
		return dst, &jsonvalue.FieldError{Err: err}
	}
	return out, nil
}
