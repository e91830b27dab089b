package protobuf

import (
	"fmt"
	"math"
	"math/big"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"

	"mqtt/internal/jsonvalue"
)

// EncodeRaw appends the protobuf encoding of v, an object from jsonvalue.Parser.ParseOrdered keyed by
// field number, the inverse of DecodeRaw: a non-negative integer is a varint (a negative one its 64-bit
// two's complement, as int64 fields have it), true and false are varints 1 and 0, any other number is a
// fixed64 double, a string is length-delimited, an object a nested message, an array a repeated field, and
// null leaves the field out. Decoding what it writes gives the same JSON back for integers, plain doubles,
// text strings and nested objects.
func EncodeRaw(dst []byte, v any) ([]byte, error) {
	o, ok := v.(jsonvalue.Object)
	if !ok {
		return dst, &jsonvalue.FieldError{Err: fmt.Errorf("a schema-less protobuf message is a JSON object keyed by field number, not %s", jsonvalue.Kind(v))}
	}
	return rawEncodeMessage(dst, o, "")
}

func rawEncodeMessage(dst []byte, o jsonvalue.Object, path string) ([]byte, error) {
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		n, err := strconv.ParseUint(m.Key, 10, 32)
		num := protowire.Number(n)
		if err != nil || !num.IsValid() {
			return dst, &jsonvalue.FieldError{Path: p, Err: fmt.Errorf("%q is not a field number (1 to %d, but not 19000 to 19999)", m.Key, protowire.MaxValidNumber)}
		}
		if a, ok := m.Value.([]any); ok {
			for i, x := range a {
				if dst, err = rawEncodeField(dst, num, x, jsonvalue.Index(p, i)); err != nil {
					return dst, err
				}
			}
			continue
		}
		if dst, err = rawEncodeField(dst, num, m.Value, p); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func rawEncodeField(dst []byte, num protowire.Number, v any, path string) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return dst, nil
	case bool:
		x := uint64(0)
		if v {
			x = 1
		}
		return protowire.AppendVarint(protowire.AppendTag(dst, num, protowire.VarintType), x), nil
	case int64:
		return protowire.AppendVarint(protowire.AppendTag(dst, num, protowire.VarintType), uint64(v)), nil
	case uint64:
		return protowire.AppendVarint(protowire.AppendTag(dst, num, protowire.VarintType), v), nil
	case float64:
		return protowire.AppendFixed64(protowire.AppendTag(dst, num, protowire.Fixed64Type), math.Float64bits(v)), nil
	case string:
		return protowire.AppendString(protowire.AppendTag(dst, num, protowire.BytesType), v), nil
	case jsonvalue.Object:
		inner, err := rawEncodeMessage(nil, v, path)
		if err != nil {
			return dst, err
		}
		return protowire.AppendBytes(protowire.AppendTag(dst, num, protowire.BytesType), inner), nil
	case *big.Int:
		return dst, &jsonvalue.FieldError{Path: path, Err: fmt.Errorf("%s does not fit a 64-bit varint", v)}
	case []any:
		return dst, &jsonvalue.FieldError{Path: path, Err: fmt.Errorf("an array inside an array has no protobuf form")}
	}
	return dst, &jsonvalue.FieldError{Path: path, Err: fmt.Errorf("cannot encode %s", jsonvalue.Kind(v))}
}
