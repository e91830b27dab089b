package jq

import (
	"math"
	"math/big"
	"slices"
	"strconv"

	"mqtt/internal/jsonvalue"
)

// AppendJSON appends a value a query yielded as compact JSON, as jq -c writes it (NaN as null, ±Inf as the
// largest finite numbers), except that object keys come sorted: gojq keeps no order.
func AppendJSON(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, v)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	case float64:
		switch {
		case math.IsNaN(v):
			return append(dst, "null"...)
		case math.IsInf(v, 1):
			v = math.MaxFloat64
		case math.IsInf(v, -1):
			v = -math.MaxFloat64
		}
		return jsonvalue.AppendFloat(dst, v, 64)
	case *big.Int:
		return v.Append(dst, 10)
	case string:
		return jsonvalue.AppendString(dst, v)
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
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
			dst = jsonvalue.AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendJSON(dst, v[k])
		}
		return append(dst, '}')
	}
	// Anything else came from our own input and is in jsonvalue's set.
	return jsonvalue.Append(dst, v)
}
