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

// Encoder writes Sparkplug B payloads from JSON (the shape Decoder writes, "topic" and
// "unresolved_aliases" ignored), filling in what a real edge node would:
//   - "timestamp", when absent, is the time of encoding in milliseconds, and a metric without one gets the
//     payload's;
//   - "seq", when absent, counts per edge node from 0 as an edge node does: an NBIRTH has 0, and each
//     NDATA, DBIRTH, DDATA and DDEATH after it the next value, wrapping after 255 (a run that starts with
//     data starts at 0 too). NDEATH, NCMD and DCMD carry no seq. A given seq sets the count.
//   - a metric's "type", when absent, is the one its name or alias had in a birth this encoder wrote, else
//     read off the JSON value: Boolean, String, Int64 (UInt64 past int64), Double, or the array of one of
//     those.
//
// An NBIRTH's bdSeq metric is not added: give it as any other metric. The encoder is not safe for
// concurrent use.
type Encoder struct {
	// Now is the clock for timestamps; nil means time.Now.
	Now func() time.Time

	seq   map[string]uint64 // next seq by group/edge
	types map[string]*typeTable
}

type typeTable struct {
	byName  map[string]DataType
	byAlias map[uint64]DataType
}

// NewEncoder returns an encoder that has written nothing.
func NewEncoder() *Encoder {
	return &Encoder{seq: map[string]uint64{}, types: map[string]*typeTable{}}
}

func fieldErr(path string, format string, a ...any) error {
	return &jsonvalue.FieldError{Path: path, Err: fmt.Errorf(format, a...)}
}

// Encode appends the payload for topic built from v, a tree from jsonvalue.Parser.ParseOrdered. JSON that
// does not fit fails with a *jsonvalue.FieldError naming the field. A STATE topic's payload is JSON
// itself, written compact.
func (e *Encoder) Encode(dst []byte, topic string, v any) ([]byte, error) {
	t, isTopic := ParseTopic(topic)
	if isTopic && t.Type == "STATE" {
		return jsonvalue.Append(dst, v), nil
	}
	o, ok := v.(jsonvalue.Object)
	if !ok {
		return dst, fieldErr("", "a Sparkplug B payload is a JSON object, not %s", jsonvalue.Kind(v))
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	var (
		ts         uint64
		haveTS     bool
		seq        uint64
		haveSeq    bool
		metrics    []any
		uuid, body any
	)
	for _, m := range o {
		switch m.Key {
		case "timestamp":
			x, err := uintArg(m.Value, "timestamp")
			if err != nil {
				return dst, err
			}
			ts, haveTS = x, true
		case "seq":
			x, err := uintArg(m.Value, "seq")
			if err != nil {
				return dst, err
			}
			if x > 255 {
				return dst, fieldErr("seq", "%d is past 255", x)
			}
			seq, haveSeq = x, true
		case "metrics":
			a, ok := m.Value.([]any)
			if !ok && m.Value != nil {
				return dst, fieldErr("metrics", "want an array, not %s", jsonvalue.Kind(m.Value))
			}
			metrics = a
		case "uuid":
			uuid = m.Value
		case "body":
			body = m.Value
		case "topic", "unresolved_aliases":
		default:
			return dst, fieldErr(m.Key, "not a Sparkplug B payload field (timestamp, seq, metrics, uuid, body)")
		}
	}
	if !haveTS {
		ts, haveTS = uint64(now().UnixMilli()), true
	}
	node := t.Group + "/" + t.EdgeNode
	if !haveSeq && isTopic {
		switch t.Type {
		case "NBIRTH":
			seq, haveSeq = 0, true
		case "NDATA", "DBIRTH", "DDATA", "DDEATH":
			seq, haveSeq = e.seq[node], true
		}
	}
	key := node
	if t.Device != "" {
		key += "/" + t.Device
	}
	types := e.typeTable(key, isTopic && (t.Type == "NBIRTH" || t.Type == "DBIRTH"))

	dst = protowire.AppendVarint(protowire.AppendTag(dst, 1, protowire.VarintType), ts)
	for i, mv := range metrics {
		path := jsonvalue.Index("metrics", i)
		mo, ok := mv.(jsonvalue.Object)
		if !ok {
			return dst, fieldErr(path, "a metric is a JSON object, not %s", jsonvalue.Kind(mv))
		}
		b, err := encodeMetric(nil, mo, path, ts, types, 0)
		if err != nil {
			return dst, err
		}
		dst = protowire.AppendBytes(protowire.AppendTag(dst, 2, protowire.BytesType), b)
	}
	if haveSeq {
		dst = protowire.AppendVarint(protowire.AppendTag(dst, 3, protowire.VarintType), seq)
	}
	if uuid != nil {
		s, ok := uuid.(string)
		if !ok {
			return dst, fieldErr("uuid", "want a string, not %s", jsonvalue.Kind(uuid))
		}
		dst = protowire.AppendString(protowire.AppendTag(dst, 4, protowire.BytesType), s)
	}
	if body != nil {
		b, err := bytesArg(body, "body")
		if err != nil {
			return dst, err
		}
		dst = protowire.AppendBytes(protowire.AppendTag(dst, 5, protowire.BytesType), b)
	}
	if haveSeq && isTopic {
		e.seq[node] = (seq + 1) % 256 // only a message written takes a number
	}
	return dst, nil
}

// typeTable is where the datatypes of key's metrics are kept: a new one for a birth.
func (e *Encoder) typeTable(key string, birth bool) *typeTable {
	tb, ok := e.types[key]
	if !ok || birth {
		if len(e.types) >= maxTables {
			clear(e.types)
		}
		tb = &typeTable{byName: map[string]DataType{}, byAlias: map[uint64]DataType{}}
		e.types[key] = tb
	}
	return tb
}

func encodeMetric(dst []byte, o jsonvalue.Object, path string, ts uint64, types *typeTable, depth int) ([]byte, error) {
	if depth > maxNesting {
		return dst, fieldErr(path, "templates nested too deeply")
	}
	var (
		name      *string
		alias     *uint64
		mts       = ts
		dt        DataType
		haveDT    bool
		value     any
		haveValue bool
		flags     [3]*bool // is_historical, is_transient, is_null
		props     jsonvalue.Object
		meta      jsonvalue.Object
	)
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		switch m.Key {
		case "name":
			s, ok := m.Value.(string)
			if !ok {
				return dst, fieldErr(p, "want a string, not %s", jsonvalue.Kind(m.Value))
			}
			name = &s
		case "alias", "timestamp":
			x, err := uintArg(m.Value, p)
			if err != nil {
				return dst, err
			}
			if m.Key == "alias" {
				alias = &x
			} else {
				mts = x
			}
		case "type", "datatype":
			t, err := dataTypeValue(m.Value, p)
			if err != nil {
				return dst, err
			}
			dt, haveDT = t, true
		case "value":
			value, haveValue = m.Value, true
		case "is_historical", "is_transient", "is_null":
			b, ok := m.Value.(bool)
			if !ok {
				return dst, fieldErr(p, "want true or false, not %s", jsonvalue.Kind(m.Value))
			}
			flags[map[string]int{"is_historical": 0, "is_transient": 1, "is_null": 2}[m.Key]] = &b
		case "properties":
			po, ok := m.Value.(jsonvalue.Object)
			if !ok {
				return dst, fieldErr(p, "want an object of {\"type\", \"value\"} by name, not %s", jsonvalue.Kind(m.Value))
			}
			props = po
		case "metadata":
			mo, ok := m.Value.(jsonvalue.Object)
			if !ok {
				return dst, fieldErr(p, "want an object, not %s", jsonvalue.Kind(m.Value))
			}
			meta = mo
		default:
			return dst, fieldErr(p, "not a metric field (name, alias, timestamp, type, value, is_historical, is_transient, is_null, properties, metadata)")
		}
	}
	if name == nil && alias == nil {
		return dst, fieldErr(path, "a metric needs a name or an alias")
	}
	if !haveDT && types != nil {
		if name != nil {
			dt, haveDT = types.byName[*name]
		}
		if !haveDT && alias != nil {
			dt, haveDT = types.byAlias[*alias]
		}
	}
	if !haveDT && haveValue && value != nil {
		t, err := inferType(value, jsonvalue.Field(path, "value"))
		if err != nil {
			return dst, err
		}
		dt, haveDT = t, true
	}
	if types != nil && haveDT {
		if name != nil && len(types.byName) < maxAliasPerTable {
			types.byName[*name] = dt
		}
		if alias != nil && len(types.byAlias) < maxAliasPerTable {
			types.byAlias[*alias] = dt
		}
	}
	if name != nil {
		dst = protowire.AppendString(protowire.AppendTag(dst, 1, protowire.BytesType), *name)
	}
	if alias != nil {
		dst = protowire.AppendVarint(protowire.AppendTag(dst, 2, protowire.VarintType), *alias)
	}
	dst = protowire.AppendVarint(protowire.AppendTag(dst, 3, protowire.VarintType), mts)
	if haveDT {
		dst = protowire.AppendVarint(protowire.AppendTag(dst, 4, protowire.VarintType), uint64(dt))
	}
	isNull := haveValue && value == nil || flags[2] != nil && *flags[2]
	if isNull {
		t := true
		flags[2] = &t
	}
	for i, f := range flags {
		if f != nil {
			dst = protowire.AppendVarint(protowire.AppendTag(dst, protowire.Number(5+i), protowire.VarintType), protowire.EncodeBool(*f))
		}
	}
	if meta != nil {
		b, err := encodeMetadata(meta, jsonvalue.Field(path, "metadata"))
		if err != nil {
			return dst, err
		}
		dst = protowire.AppendBytes(protowire.AppendTag(dst, 8, protowire.BytesType), b)
	}
	if props != nil {
		b, err := encodePropertySet(props, jsonvalue.Field(path, "properties"), depth+1)
		if err != nil {
			return dst, err
		}
		dst = protowire.AppendBytes(protowire.AppendTag(dst, 9, protowire.BytesType), b)
	}
	if haveValue && !isNull {
		var err error
		if dst, err = encodeMetricValue(dst, dt, value, jsonvalue.Field(path, "value"), ts, depth); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// inferType reads a datatype off a JSON value, for a metric that names none.
func inferType(v any, path string) (DataType, error) {
	switch v := v.(type) {
	case bool:
		return Boolean, nil
	case string:
		return String, nil
	case int64:
		return Int64, nil
	case uint64:
		return UInt64, nil
	case float64:
		return Double, nil
	case []any:
		if len(v) == 0 {
			return 0, fieldErr(path, "an empty array needs a type (Int32Array, StringArray, ...)")
		}
		t, err := inferType(v[0], jsonvalue.Index(path, 0))
		if err != nil {
			return 0, err
		}
		switch t {
		case Boolean:
			return BooleanArray, nil
		case String:
			return StringArray, nil
		case Int64:
			return Int64Array, nil
		case UInt64:
			return UInt64Array, nil
		case Double:
			return DoubleArray, nil
		}
	}
	return 0, fieldErr(path, "give this metric a type: %s has no datatype of its own", jsonvalue.Kind(v))
}

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

func encodeMetadata(o jsonvalue.Object, path string) ([]byte, error) {
	nums := map[string]protowire.Number{"is_multi_part": 1, "content_type": 2, "size": 3, "seq": 4, "file_name": 5, "file_type": 6, "md5": 7, "description": 8}
	var out []byte
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		num, ok := nums[m.Key]
		if !ok {
			return nil, fieldErr(p, "not a metadata field")
		}
		switch num {
		case 1:
			b, ok := m.Value.(bool)
			if !ok {
				return nil, fieldErr(p, "want true or false")
			}
			out = protowire.AppendVarint(protowire.AppendTag(out, num, protowire.VarintType), protowire.EncodeBool(b))
		case 3, 4:
			u, err := uintArg(m.Value, p)
			if err != nil {
				return nil, err
			}
			out = protowire.AppendVarint(protowire.AppendTag(out, num, protowire.VarintType), u)
		default:
			s, ok := m.Value.(string)
			if !ok {
				return nil, fieldErr(p, "want a string")
			}
			out = protowire.AppendString(protowire.AppendTag(out, num, protowire.BytesType), s)
		}
	}
	return out, nil
}

// encodePropertySet writes {"name": {"type": T, "value": v}, ...} as a PropertySet.
func encodePropertySet(o jsonvalue.Object, path string, depth int) ([]byte, error) {
	if depth > maxNesting {
		return nil, fieldErr(path, "property sets nested too deeply")
	}
	var out []byte
	for _, m := range o {
		out = protowire.AppendString(protowire.AppendTag(out, 1, protowire.BytesType), m.Key)
	}
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		pv, ok := m.Value.(jsonvalue.Object)
		if !ok {
			return nil, fieldErr(p, "a property is {\"type\": ..., \"value\": ...}, not %s", jsonvalue.Kind(m.Value))
		}
		b, err := encodePropertyValue(pv, p, depth)
		if err != nil {
			return nil, err
		}
		out = protowire.AppendBytes(protowire.AppendTag(out, 2, protowire.BytesType), b)
	}
	return out, nil
}

func encodePropertyValue(o jsonvalue.Object, path string, depth int) ([]byte, error) {
	var (
		dt        DataType
		haveDT    bool
		value     any
		haveValue bool
	)
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		switch m.Key {
		case "type":
			t, err := dataTypeValue(m.Value, p)
			if err != nil {
				return nil, err
			}
			dt, haveDT = t, true
		case "value":
			value, haveValue = m.Value, true
		default:
			return nil, fieldErr(p, "a property has only type and value")
		}
	}
	vp := jsonvalue.Field(path, "value")
	if !haveDT && haveValue && value != nil {
		if _, isObj := value.(jsonvalue.Object); isObj {
			dt = PropertySet
		} else {
			t, err := inferType(value, vp)
			if err != nil {
				return nil, err
			}
			dt = t
		}
		haveDT = true
	}
	var out []byte
	if haveDT {
		out = protowire.AppendVarint(protowire.AppendTag(out, 1, protowire.VarintType), uint64(dt))
	}
	if !haveValue || value == nil {
		return protowire.AppendVarint(protowire.AppendTag(out, 2, protowire.VarintType), 1), nil
	}
	switch dt {
	case PropertySet:
		po, ok := value.(jsonvalue.Object)
		if !ok {
			return nil, fieldErr(vp, "a PropertySet is an object, not %s", jsonvalue.Kind(value))
		}
		b, err := encodePropertySet(po, vp, depth+1)
		if err != nil {
			return nil, err
		}
		return protowire.AppendBytes(protowire.AppendTag(out, 9, protowire.BytesType), b), nil
	case PropertySetList:
		a, ok := value.([]any)
		if !ok {
			return nil, fieldErr(vp, "a PropertySetList is an array of objects, not %s", jsonvalue.Kind(value))
		}
		var list []byte
		for i, x := range a {
			po, ok := x.(jsonvalue.Object)
			if !ok {
				return nil, fieldErr(jsonvalue.Index(vp, i), "want an object")
			}
			b, err := encodePropertySet(po, jsonvalue.Index(vp, i), depth+1)
			if err != nil {
				return nil, err
			}
			list = protowire.AppendBytes(protowire.AppendTag(list, 1, protowire.BytesType), b)
		}
		return protowire.AppendBytes(protowire.AppendTag(out, 10, protowire.BytesType), list), nil
	}
	return encodeScalar(out, dt, value, vp, 3)
}

// encodeDataSet writes {"columns": [...], "types": [...], "rows": [[...], ...]}.
func encodeDataSet(v any, path string) ([]byte, error) {
	o, ok := v.(jsonvalue.Object)
	if !ok {
		return nil, fieldErr(path, "a DataSet is {\"columns\", \"types\", \"rows\"}, not %s", jsonvalue.Kind(v))
	}
	var columns, types, rows []any
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		a, ok := m.Value.([]any)
		if !ok {
			return nil, fieldErr(p, "%w, not %s", errNotArray, jsonvalue.Kind(m.Value))
		}
		switch m.Key {
		case "columns":
			columns = a
		case "types":
			types = a
		case "rows":
			rows = a
		default:
			return nil, fieldErr(p, "a DataSet has columns, types and rows")
		}
	}
	if len(columns) != len(types) {
		return nil, fieldErr(path, "%d columns but %d types", len(columns), len(types))
	}
	out := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(len(columns)))
	for i, c := range columns {
		s, ok := c.(string)
		if !ok {
			return nil, fieldErr(jsonvalue.Index(jsonvalue.Field(path, "columns"), i), "want a string")
		}
		out = protowire.AppendString(protowire.AppendTag(out, 2, protowire.BytesType), s)
	}
	dts := make([]DataType, len(types))
	for i, t := range types {
		dt, err := dataTypeValue(t, jsonvalue.Index(jsonvalue.Field(path, "types"), i))
		if err != nil {
			return nil, err
		}
		dts[i] = dt
		out = protowire.AppendVarint(protowire.AppendTag(out, 3, protowire.VarintType), uint64(dt))
	}
	for i, r := range rows {
		rp := jsonvalue.Index(jsonvalue.Field(path, "rows"), i)
		row, ok := r.([]any)
		if !ok || len(row) != len(dts) {
			return nil, fieldErr(rp, "a row is an array of %d values", len(dts))
		}
		var rb []byte
		for j, x := range row {
			var eb []byte
			if x != nil {
				var err error
				if eb, err = encodeScalar(nil, dts[j], x, jsonvalue.Index(rp, j), 1); err != nil {
					return nil, err
				}
			}
			rb = protowire.AppendBytes(protowire.AppendTag(rb, 1, protowire.BytesType), eb)
		}
		out = protowire.AppendBytes(protowire.AppendTag(out, 4, protowire.BytesType), rb)
	}
	return out, nil
}

// encodeTemplate writes {"version", "template_ref", "is_definition", "metrics", "parameters"}.
func encodeTemplate(v any, path string, ts uint64, depth int) ([]byte, error) {
	o, ok := v.(jsonvalue.Object)
	if !ok {
		return nil, fieldErr(path, "a Template is an object, not %s", jsonvalue.Kind(v))
	}
	var out []byte
	for _, m := range o {
		p := jsonvalue.Field(path, m.Key)
		switch m.Key {
		case "version", "template_ref":
			s, ok := m.Value.(string)
			if !ok {
				return nil, fieldErr(p, "want a string")
			}
			num := protowire.Number(1)
			if m.Key == "template_ref" {
				num = 4
			}
			out = protowire.AppendString(protowire.AppendTag(out, num, protowire.BytesType), s)
		case "is_definition":
			b, ok := m.Value.(bool)
			if !ok {
				return nil, fieldErr(p, "want true or false")
			}
			out = protowire.AppendVarint(protowire.AppendTag(out, 5, protowire.VarintType), protowire.EncodeBool(b))
		case "metrics":
			a, _ := m.Value.([]any)
			for i, x := range a {
				mo, ok := x.(jsonvalue.Object)
				if !ok {
					return nil, fieldErr(jsonvalue.Index(p, i), "a metric is an object")
				}
				b, err := encodeMetric(nil, mo, jsonvalue.Index(p, i), ts, nil, depth)
				if err != nil {
					return nil, err
				}
				out = protowire.AppendBytes(protowire.AppendTag(out, 2, protowire.BytesType), b)
			}
		case "parameters":
			a, _ := m.Value.([]any)
			for i, x := range a {
				pp := jsonvalue.Index(p, i)
				po, ok := x.(jsonvalue.Object)
				if !ok {
					return nil, fieldErr(pp, "a parameter is {\"name\", \"type\", \"value\"}")
				}
				var pb []byte
				var dt DataType
				var val any
				for _, pm := range po {
					switch pm.Key {
					case "name":
						s, _ := pm.Value.(string)
						pb = protowire.AppendString(protowire.AppendTag(pb, 1, protowire.BytesType), s)
					case "type":
						t, err := dataTypeValue(pm.Value, jsonvalue.Field(pp, "type"))
						if err != nil {
							return nil, err
						}
						dt = t
						pb = protowire.AppendVarint(protowire.AppendTag(pb, 2, protowire.VarintType), uint64(t))
					case "value":
						val = pm.Value
					default:
						return nil, fieldErr(jsonvalue.Field(pp, pm.Key), "a parameter has name, type and value")
					}
				}
				if val != nil {
					var err error
					if pb, err = encodeScalar(pb, dt, val, jsonvalue.Field(pp, "value"), 3); err != nil {
						return nil, err
					}
				}
				out = protowire.AppendBytes(protowire.AppendTag(out, 3, protowire.BytesType), pb)
			}
		default:
			return nil, fieldErr(p, "a Template has version, template_ref, is_definition, metrics and parameters")
		}
	}
	return out, nil
}
