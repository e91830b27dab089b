package jsonvalue

import (
	"encoding/base64"
	"math"
	"math/big"
	"slices"
	"strconv"
)

// ToJQ converts v to what gojq takes as input: objects become map[string]any (gojq keeps no order; jq sorts
// keys on output anyway), integers become int where they fit and *big.Int where they do not, a float32
// becomes the float64 of its shortest decimal text (so 21.1 compares equal to 21.1), bytes become their
// base64 string, and RawJSON is parsed. NaN and ±Inf stay numbers: jq has them. A later member of an
// Object with a repeated key wins, as in jq.
func ToJQ(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, int, float64, string, *big.Int:
		return v, nil
	case int64:
		return int(v), nil
	case uint64:
		if v <= math.MaxInt {
			return int(v), nil
		}
		return new(big.Int).SetUint64(v), nil
	case float32:
		return float32To64(v), nil
	case []byte:
		return base64.StdEncoding.EncodeToString(v), nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			x, err := ToJQ(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case Object:
		out := make(map[string]any, len(v))
		for _, m := range v {
			x, err := ToJQ(m.Value)
			if err != nil {
				return nil, err
			}
			out[m.Key] = x
		}
		return out, nil
	case map[string]any:
		return v, nil
	case RawJSON:
		var p Parser
		return p.Parse(v)
	}
	return nil, &UnsupportedError{Value: v}
}

// float32To64 widens f through its shortest decimal text, so that a float32 payload value reads in jq as
// the number a person wrote rather than its binary neighbour.
func float32To64(f float32) float64 {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return float64(f)
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)
	x, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return float64(f)
	}
	return x
}

// UnsupportedError is a value of a type outside the package's set: a bug in a codec, reported rather than
// panicked on.
type UnsupportedError struct{ Value any }

func (e *UnsupportedError) Error() string { return "jsonvalue: unsupported value type" }

// AppendJQ appends a gojq value (what a query yields) as jq -c writes it: NaN as null, ±Inf as the largest
// finite numbers, and object keys sorted, as gojq keeps no order.
func AppendJQ(dst []byte, v any) []byte {
	switch v := v.(type) {
	case float64:
		switch {
		case math.IsNaN(v):
			return append(dst, "null"...)
		case math.IsInf(v, 1):
			v = math.MaxFloat64
		case math.IsInf(v, -1):
			v = -math.MaxFloat64
		}
		return AppendFloat(dst, v, 64)
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJQ(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendJQ(dst, v[k])
		}
		return append(dst, '}')
	}
	return Append(dst, v)
}
