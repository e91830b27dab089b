package sparkplug

import (
	"fmt"
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
