package sparkplug

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one field read off the wire: its number, its wire type, and its value (a varint or fixed value
// in u, a length-delimited one in b).
type field struct {
	num protowire.Number
	typ protowire.Type
	u   uint64
	b   []byte
}

// fields calls fn for each field of the message in b, skipping groups (Sparkplug has none).
func fields(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.u, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			f.u = uint64(x)
		case protowire.Fixed64Type:
			f.u, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if typ == protowire.StartGroupType {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

var errWireType = errors.New("wrong wire type")

func (f field) varint() (uint64, error) {
	if f.typ != protowire.VarintType {
		return 0, fmt.Errorf("field %d: %w", f.num, errWireType)
	}
	return f.u, nil
}

func (f field) bytes() ([]byte, error) {
	if f.typ != protowire.BytesType {
		return nil, fmt.Errorf("field %d: %w", f.num, errWireType)
	}
	return f.b, nil
}

func (f field) float32() (float32, error) {
	if f.typ != protowire.Fixed32Type {
		return 0, fmt.Errorf("field %d: %w", f.num, errWireType)
	}
	return math.Float32frombits(uint32(f.u)), nil
}

func (f field) float64() (float64, error) {
	if f.typ != protowire.Fixed64Type {
		return 0, fmt.Errorf("field %d: %w", f.num, errWireType)
	}
	return math.Float64frombits(f.u), nil
}

// uint32s reads a repeated uint32, packed or not: proto2 files like sparkplug_b.proto declare it unpacked,
// but some encoders pack it.
func (f field) uint32s(dst []uint32) ([]uint32, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, uint32(f.u)), nil
	case protowire.BytesType:
		b := f.b
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, protowire.ParseError(n)
			}
			dst = append(dst, uint32(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: %w", f.num, errWireType)
}
