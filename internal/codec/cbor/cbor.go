// Package cbor decodes CBOR (RFC 8949) payloads to the ordered JSON tree of internal/jsonvalue and encodes
// that tree back, with github.com/fxamacker/cbor/v2 reading and writing every data item.
//
// CBOR to JSON follows RFC 8949 §6.1: maps keep their wire order; a key that is not a text string becomes
// its JSON text as a string (1 -> "1"); byte strings become base64 strings; tags are dropped and their
// content kept, except bignums (tags 2 and 3), which become numbers; undefined and other simple values
// become null; half- and single-precision floats are written with their own precision.
//
// JSON to CBOR writes objects as definite-length maps in the JSON's member order, integers in their
// shortest form (bignums past 64 bits), and other numbers as float64, as Python's cbor2 does.
package cbor

import (
	"errors"
	"fmt"
	"math/big"

	fxcbor "github.com/fxamacker/cbor/v2"

	"mqtt/internal/jsonvalue"
)

// maxNesting is how deep arrays, maps and tags may nest in a payload; deeper is an error, not a stack.
const maxNesting = 256

// Decoder decodes CBOR payloads. It is immutable and safe for concurrent use.
type Decoder struct {
	dm fxcbor.DecMode
}

// NewDecoder returns a CBOR decoder.
func NewDecoder() *Decoder {
	dm, err := fxcbor.DecOptions{
		DupMapKey:       fxcbor.DupMapKeyQuiet, // shown as on the wire
		MaxNestedLevels: maxNesting,
		IndefLength:     fxcbor.IndefLengthAllowed,
		TagsMd:          fxcbor.TagsAllowed,
		BigIntDec:       fxcbor.BigIntDecodePointer,
		UTF8:            fxcbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err) // the options are constants: a library upgrade that refuses them is a bug found by tests
	}
	return &Decoder{dm: dm}
}

// Decode decodes one CBOR data item that must fill data.
func (d *Decoder) Decode(data []byte) (any, error) {
	if len(data) == 0 {
		return nil, errors.New("empty payload")
	}
	if err := d.dm.Wellformed(data); err != nil {
		return nil, err
	}
	v, rest, err := d.item(data)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the CBOR data item", len(rest))
	}
	return v, nil
}

// item decodes the data item at the start of data, which Wellformed has checked, and returns what follows.
func (d *Decoder) item(data []byte) (any, []byte, error) {
	major := data[0] >> 5
	switch major {
	case 4, 5: // array, map
		n, body, indef, err := header(data)
		if err != nil {
			return nil, nil, err
		}
		if major == 4 {
			return d.array(body, n, indef)
		}
		return d.mapItem(body, n, indef)
	case 6: // tag
		num, body, _, err := header(data)
		if err != nil {
			return nil, nil, err
		}
		if num == 2 || num == 3 {
			var b *big.Int
			rest, err := d.dm.UnmarshalFirst(data, &b)
			return b, rest, err
		}
		return d.item(body) // RFC 8949 §6.1: the tag is dropped, its content kept
	case 7:
		switch data[0] {
		case 0xf9, 0xfa: // half, single precision
			var f float32
			rest, err := d.dm.UnmarshalFirst(data, &f)
			return f, rest, err
		case 0xfb:
			var f float64
			rest, err := d.dm.UnmarshalFirst(data, &f)
			return f, rest, err
		case 0xf4, 0xf5:
			return data[0] == 0xf5, data[1:], nil
		}
		// null, undefined and the other simple values
		var skip fxcbor.RawMessage
		rest, err := d.dm.UnmarshalFirst(data, &skip)
		return nil, rest, err
	}
	var v any
	rest, err := d.dm.UnmarshalFirst(data, &v)
	if err != nil {
		return nil, nil, err
	}
	switch x := v.(type) {
	case uint64, int64, string, []byte, *big.Int:
		return x, rest, nil
	case big.Int:
		return &x, rest, nil
	}
	return nil, nil, fmt.Errorf("unexpected CBOR value %T", v)
}

func (d *Decoder) array(body []byte, n uint64, indef bool) (any, []byte, error) {
	out := make([]any, 0, min(n, 1024))
	for i := uint64(0); indef || i < n; i++ {
		if len(body) == 0 {
			return nil, nil, errors.New("truncated CBOR array")
		}
		if indef && body[0] == 0xff {
			return out, body[1:], nil
		}
		v, rest, err := d.item(body)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, v)
		body = rest
	}
	return out, body, nil
}

func (d *Decoder) mapItem(body []byte, n uint64, indef bool) (any, []byte, error) {
	out := make(jsonvalue.Object, 0, min(n, 1024))
	for i := uint64(0); indef || i < n; i++ {
		if len(body) == 0 {
			return nil, nil, errors.New("truncated CBOR map")
		}
		if indef && body[0] == 0xff {
			return out, body[1:], nil
		}
		k, rest, err := d.item(body)
		if err != nil {
			return nil, nil, err
		}
		v, rest, err := d.item(rest)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, jsonvalue.Member{Key: keyString(k), Value: v})
		body = rest
	}
	return out, body, nil
}

// keyString is a map key as JSON has it: a text string as it is, anything else as its compact JSON text.
func keyString(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	return string(jsonvalue.Append(nil, k))
}

// header reads the initial byte and argument of the item at data: the argument (a length or tag number),
// the bytes after the header, and whether the length is indefinite.
func header(data []byte) (arg uint64, body []byte, indef bool, err error) {
	ai := data[0] & 0x1f
	switch {
	case ai < 24:
		return uint64(ai), data[1:], false, nil
	case ai == 31:
		return 0, data[1:], true, nil
	case ai > 27:
		return 0, nil, false, errors.New("malformed CBOR header")
	}
	size := 1 << (ai - 24)
	if len(data) < 1+size {
		return 0, nil, false, errors.New("truncated CBOR header")
	}
	for _, b := range data[1 : 1+size] {
		arg = arg<<8 | uint64(b)
	}
	return arg, data[1+size:], false, nil
}
