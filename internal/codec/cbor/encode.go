package cbor

import (
	"fmt"
	"math/big"

	fxcbor "github.com/fxamacker/cbor/v2"

	"mqtt/internal/jsonvalue"
)

// Encoder encodes the ordered JSON tree as CBOR. It is immutable and safe for concurrent use.
type Encoder struct {
	em fxcbor.EncMode
}

// NewEncoder returns a CBOR encoder.
func NewEncoder() *Encoder {
	em, err := fxcbor.EncOptions{
		BigIntConvert: fxcbor.BigIntConvertShortest,
		IndefLength:   fxcbor.IndefLengthForbidden,
	}.EncMode()
	if err != nil {
		panic(err) // constant options
	}
	return &Encoder{em: em}
}

// Encode appends the CBOR encoding of v, a tree from jsonvalue.Parser.ParseOrdered.
func (e *Encoder) Encode(dst []byte, v any) ([]byte, error) {
	b, err := e.em.Marshal(ordered{e: e, v: v})
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// ordered marshals a tree value, objects in member order (a Go map would lose it).
type ordered struct {
	e *Encoder
	v any
}

func (o ordered) MarshalCBOR() ([]byte, error) {
	switch v := o.v.(type) {
	case jsonvalue.Object:
		out := appendHeader(nil, 5, uint64(len(v)))
		for _, m := range v {
			k, err := o.e.em.Marshal(m.Key)
			if err != nil {
				return nil, err
			}
			out = append(out, k...)
			val, err := o.e.em.Marshal(ordered{e: o.e, v: m.Value})
			if err != nil {
				return nil, err
			}
			out = append(out, val...)
		}
		return out, nil
	case []any:
		out := appendHeader(nil, 4, uint64(len(v)))
		for _, x := range v {
			b, err := o.e.em.Marshal(ordered{e: o.e, v: x})
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		}
		return out, nil
	case nil, bool, int64, uint64, float64, string, *big.Int:
		return o.e.em.Marshal(v)
	}
	return nil, fmt.Errorf("cannot encode %T as CBOR", o.v)
}

// appendHeader writes a definite-length array or map header: the major type and the length in its
// shortest form.
func appendHeader(dst []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(dst, m|byte(n))
	case n <= 0xff:
		return append(dst, m|24, byte(n))
	case n <= 0xffff:
		return append(dst, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(dst, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
