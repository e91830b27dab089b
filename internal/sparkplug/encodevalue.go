package sparkplug

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"mqtt/internal/jsonvalue"
)

// encodeMetricValue writes the value oneof of a Metric (fields 10 to 18).
func encodeMetricValue(dst []byte, dt DataType, v any, path string, ts uint64, depth int) ([]byte, error) {
	switch dt {
	case DataSet:
		b, err := encodeDataSet(v, path)
		if err != nil {
			return dst, err
		}
		return protowire.AppendBytes(protowire.AppendTag(dst, 17, protowire.BytesType), b), nil
	case Template:
		b, err := encodeTemplate(v, path, ts, depth+1)
		if err != nil {
			return dst, err
		}
		return protowire.AppendBytes(protowire.AppendTag(dst, 18, protowire.BytesType), b), nil
	case Bytes, File:
		b, err := bytesArg(v, path)
		if err != nil {
			return dst, err
		}
		return protowire.AppendBytes(protowire.AppendTag(dst, 16, protowire.BytesType), b), nil
	}
	if dt.elemSize() > 0 || dt == BooleanArray || dt == StringArray {
		b, err := encodeArray(dt, v, path)
		if err != nil {
			return dst, err
		}
		return protowire.AppendBytes(protowire.AppendTag(dst, 16, protowire.BytesType), b), nil
	}
	return encodeScalar(dst, dt, v, path, 10)
}

// encodeScalar writes a scalar into the oneof whose int_value field is number first (Metric 10,
// PropertyValue and Parameter 3, DataSet value 1): int, long, float, double, boolean, string follow it.
func encodeScalar(dst []byte, dt DataType, v any, path string, first protowire.Number) ([]byte, error) {
	switch dt {
	case Int8, Int16, Int32, UInt8, UInt16, UInt32:
		lo, hi := intRange(dt)
		x, err := intArg(v, path, lo, hi, dt)
		if err != nil {
			return dst, err
		}
		return protowire.AppendVarint(protowire.AppendTag(dst, first, protowire.VarintType), uint64(uint32(x))), nil
	case Int64, DateTime:
		if s, ok := v.(string); ok && dt == DateTime {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return dst, fieldErr(path, "a DateTime is milliseconds since 1970 or an RFC 3339 time: %v", err)
			}
			v = t.UnixMilli()
		}
		x, err := intArg(v, path, math.MinInt64, math.MaxInt64, dt)
		if err != nil {
			return dst, err
		}
		return protowire.AppendVarint(protowire.AppendTag(dst, first+1, protowire.VarintType), uint64(x)), nil
	case UInt64:
		x, err := uintArg(v, path)
		if err != nil {
			return dst, err
		}
		return protowire.AppendVarint(protowire.AppendTag(dst, first+1, protowire.VarintType), x), nil
	case Float, Double:
		f, err := floatArg(v, path)
		if err != nil {
			return dst, err
		}
		if dt == Float {
			return protowire.AppendFixed32(protowire.AppendTag(dst, first+2, protowire.Fixed32Type), math.Float32bits(float32(f))), nil
		}
		return protowire.AppendFixed64(protowire.AppendTag(dst, first+3, protowire.Fixed64Type), math.Float64bits(f)), nil
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return dst, fieldErr(path, "a Boolean is true or false, not %s", jsonvalue.Kind(v))
		}
		return protowire.AppendVarint(protowire.AppendTag(dst, first+4, protowire.VarintType), protowire.EncodeBool(b)), nil
	case String, Text, UUID:
		s, ok := v.(string)
		if !ok {
			return dst, fieldErr(path, "a %s is a string, not %s", dt, jsonvalue.Kind(v))
		}
		return protowire.AppendString(protowire.AppendTag(dst, first+5, protowire.BytesType), s), nil
	}
	return dst, fieldErr(path, "datatype %s cannot hold this value here", typeName(dt))
}

func typeName(dt DataType) string {
	if s := dt.String(); s != "" {
		return s
	}
	return fmt.Sprint(uint32(dt))
}

func intRange(dt DataType) (int64, int64) {
	switch dt {
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case UInt8:
		return 0, math.MaxUint8
	case UInt16:
		return 0, math.MaxUint16
	}
	return 0, math.MaxUint32
}

func intArg(v any, path string, lo, hi int64, dt DataType) (int64, error) {
	var x int64
	switch v := v.(type) {
	case int64:
		x = v
	case float64:
		if v != math.Trunc(v) || v < -(1<<63) || v >= 1<<63 {
			return 0, fieldErr(path, "%v is not an integer", v)
		}
		x = int64(v)
	case uint64, *big.Int:
		return 0, fieldErr(path, "%v does not fit %s", v, typeName(dt))
	default:
		return 0, fieldErr(path, "a %s is an integer, not %s", typeName(dt), jsonvalue.Kind(v))
	}
	if x < lo || x > hi {
		return 0, fieldErr(path, "%d does not fit %s (%d to %d)", x, typeName(dt), lo, hi)
	}
	return x, nil
}

func uintArg(v any, path string) (uint64, error) {
	switch v := v.(type) {
	case int64:
		if v >= 0 {
			return uint64(v), nil
		}
	case uint64:
		return v, nil
	}
	return 0, fieldErr(path, "want an unsigned integer, not %s", jsonvalue.Append(nil, v))
}

func floatArg(v any, path string) (float64, error) {
	switch v := v.(type) {
	case float64:
		return v, nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return f, nil
	case string:
		switch v {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fieldErr(path, "want a number, not %s", jsonvalue.Kind(v))
}

func bytesArg(v any, path string) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fieldErr(path, "bytes are a base64 string, not %s", jsonvalue.Kind(v))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fieldErr(path, "not base64: %v", err)
	}
	return b, nil
}

func dataTypeValue(v any, path string) (DataType, error) {
	switch v := v.(type) {
	case string:
		if t, ok := ParseDataType(v); ok {
			return t, nil
		}
		return 0, fieldErr(path, "%q is not a Sparkplug B datatype (Int8 ... DateTimeArray)", v)
	case int64:
		if v >= 0 && v <= math.MaxUint32 {
			return DataType(v), nil
		}
	case uint64:
		if v <= math.MaxUint32 {
			return DataType(v), nil
		}
	}
	return 0, fieldErr(path, "a datatype is a name (Float) or a number, not %s", jsonvalue.Kind(v))
}

var errNotArray = errors.New("want an array")

func encodeArray(dt DataType, v any, path string) ([]byte, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fieldErr(path, "a %s is a JSON array, not %s", dt, jsonvalue.Kind(v))
	}
	var out []byte
	switch dt {
	case BooleanArray:
		out = binary.LittleEndian.AppendUint32(nil, uint32(len(a)))
		bits := make([]byte, (len(a)+7)/8)
		for i, x := range a {
			b, ok := x.(bool)
			if !ok {
				return nil, fieldErr(jsonvalue.Index(path, i), "want true or false, not %s", jsonvalue.Kind(x))
			}
			if b {
				bits[i/8] |= 0x80 >> (i % 8)
			}
		}
		return append(out, bits...), nil
	case StringArray:
		for i, x := range a {
			s, ok := x.(string)
			if !ok {
				return nil, fieldErr(jsonvalue.Index(path, i), "want a string, not %s", jsonvalue.Kind(x))
			}
			for j := 0; j < len(s); j++ {
				if s[j] == 0 {
					return nil, fieldErr(jsonvalue.Index(path, i), "a StringArray element cannot hold NUL")
				}
			}
			out = append(append(out, s...), 0)
		}
		return out, nil
	}
	elem := map[DataType]DataType{Int8Array: Int8, Int16Array: Int16, Int32Array: Int32, Int64Array: Int64,
		UInt8Array: UInt8, UInt16Array: UInt16, UInt32Array: UInt32, UInt64Array: UInt64, FloatArray: Float,
		DoubleArray: Double, DateTimeArray: DateTime}[dt]
	for i, x := range a {
		p := jsonvalue.Index(path, i)
		switch elem {
		case Float, Double:
			f, err := floatArg(x, p)
			if err != nil {
				return nil, err
			}
			if elem == Float {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(f)))
			} else {
				out = binary.LittleEndian.AppendUint64(out, math.Float64bits(f))
			}
		case UInt64:
			u, err := uintArg(x, p)
			if err != nil {
				return nil, err
			}
			out = binary.LittleEndian.AppendUint64(out, u)
		default:
			lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
			if elem != Int64 && elem != DateTime {
				lo, hi = intRange(elem)
			}
			n, err := intArg(x, p, lo, hi, elem)
			if err != nil {
				return nil, err
			}
			switch dt.elemSize() {
			case 1:
				out = append(out, byte(n))
			case 2:
				out = binary.LittleEndian.AppendUint16(out, uint16(n))
			case 4:
				out = binary.LittleEndian.AppendUint32(out, uint32(n))
			default:
				out = binary.LittleEndian.AppendUint64(out, uint64(n))
			}
		}
	}
	return out, nil
}
