package sparkplug

import (
	"fmt"
	"slices"
	"strconv"

	"mqtt/internal/jsonvalue"
)

// Limits on what a Decoder remembers, so that a stream of births from ever-new edge nodes cannot grow it
// without end: past them the oldest tables are forgotten (their aliases then read as unresolved).
const (
	maxTables        = 4096
	maxAliasPerTable = 1 << 16
	maxNesting       = 32 // templates inside templates, property sets inside property sets
)

// Decoder decodes Sparkplug B payloads, resolving aliases from the births it has seen. It is not safe for
// concurrent use: messages must be decoded in the order they arrived.
type Decoder struct {
	tables map[string]*aliasTable // by group/edge (node) or group/edge/device
	order  []string               // table keys, oldest first
}

type aliasTable struct {
	byAlias map[uint64]metricInfo
	byName  map[string]DataType
}

type metricInfo struct {
	name     string
	datatype DataType
}

// UnresolvedAliasesError is a note, not a failure: the payload decoded, but some metrics carried an alias
// that no birth seen by this decoder named (it joined after the NBIRTH or DBIRTH).
type UnresolvedAliasesError struct {
	Group, EdgeNode, Device string
	Aliases                 []uint64
}

func (e *UnresolvedAliasesError) Error() string {
	who := e.Group + "/" + e.EdgeNode
	if e.Device != "" {
		who += "/" + e.Device
	}
	s := make([]byte, 0, 64)
	for i, a := range e.Aliases {
		if i > 0 {
			s = append(s, ", "...)
		}
		s = strconv.AppendUint(s, a, 10)
	}
	return fmt.Sprintf("no birth seen for %s: cannot name aliases %s", who, s)
}

// NewDecoder returns a decoder that has seen no births.
func NewDecoder() *Decoder {
	return &Decoder{tables: map[string]*aliasTable{}}
}

// Decode decodes the payload of a message on topic. The note, when not nil, is an
// *UnresolvedAliasesError; err is a payload that is not Sparkplug B.
func (d *Decoder) Decode(topic string, payload []byte) (value any, note error, err error) {
	t, isTopic := ParseTopic(topic)
	if isTopic && t.Type == "STATE" {
		return d.state(t, payload)
	}
	p, err := parsePayload(payload)
	if err != nil {
		return nil, nil, err
	}
	out := make(jsonvalue.Object, 0, 6)
	if isTopic {
		out = append(out, jsonvalue.Member{Key: "topic", Value: topicObject(t)})
	}
	if p.timestamp.ok {
		out = append(out, jsonvalue.Member{Key: "timestamp", Value: p.timestamp.v})
	}
	if p.seq.ok {
		out = append(out, jsonvalue.Member{Key: "seq", Value: p.seq.v})
	}
	table, birth := d.table(t, isTopic)
	var unresolved []uint64
	metrics := make([]any, 0, len(p.metrics))
	for i := range p.metrics {
		m := &p.metrics[i]
		if table != nil {
			if !table.resolve(m, birth) {
				unresolved = append(unresolved, m.alias.v)
			}
		}
		v, err := m.json(0)
		if err != nil {
			return nil, nil, fmt.Errorf("metric %d: %w", i, err)
		}
		metrics = append(metrics, v)
	}
	if len(p.metrics) > 0 || p.body == nil {
		out = append(out, jsonvalue.Member{Key: "metrics", Value: metrics})
	}
	if p.uuid.ok {
		out = append(out, jsonvalue.Member{Key: "uuid", Value: p.uuid.v})
	}
	if p.body != nil {
		out = append(out, jsonvalue.Member{Key: "body", Value: p.body})
	}
	if len(unresolved) > 0 {
		slices.Sort(unresolved)
		unresolved = slices.Compact(unresolved)
		a := make([]any, len(unresolved))
		for i, x := range unresolved {
			a[i] = x
		}
		out = append(out, jsonvalue.Member{Key: "unresolved_aliases", Value: a})
		note = &UnresolvedAliasesError{Group: t.Group, EdgeNode: t.EdgeNode, Device: t.Device, Aliases: unresolved}
	}
	return out, note, nil
}

// state decodes a host application's STATE message: JSON in Sparkplug 3.0, the text ONLINE or OFFLINE in
// earlier versions.
func (d *Decoder) state(t Topic, payload []byte) (any, error, error) {
	var p jsonvalue.Parser
	v, err := p.ParseOrdered(payload)
	if err != nil {
		if s := string(payload); s == "ONLINE" || s == "OFFLINE" {
			v = s
		} else {
			return nil, nil, fmt.Errorf("STATE payload is neither JSON nor ONLINE/OFFLINE: %w", err)
		}
	}
	return jsonvalue.Object{{Key: "topic", Value: topicObject(t)}, {Key: "state", Value: v}}, nil, nil
}

func topicObject(t Topic) jsonvalue.Object {
	o := jsonvalue.Object{{Key: "namespace", Value: Namespace}}
	if t.Type == "STATE" {
		return append(o, jsonvalue.Member{Key: "type", Value: "STATE"}, jsonvalue.Member{Key: "host_id", Value: t.HostID})
	}
	o = append(o, jsonvalue.Member{Key: "group", Value: t.Group}, jsonvalue.Member{Key: "type", Value: t.Type},
		jsonvalue.Member{Key: "edge_node", Value: t.EdgeNode})
	if t.Device != "" {
		o = append(o, jsonvalue.Member{Key: "device", Value: t.Device})
	}
	return o
}

// table is the alias table for the topic's node or device, new for a birth (which fills it rather than
// reads it), and nil when the topic is not Sparkplug's (nothing to resolve against).
func (d *Decoder) table(t Topic, isTopic bool) (tb *aliasTable, birth bool) {
	if !isTopic {
		return nil, false
	}
	node := t.Group + "/" + t.EdgeNode
	key := node
	if t.Device != "" {
		key += "/" + t.Device
	}
	switch t.Type {
	case "NBIRTH":
		// A new session of the edge node: its devices' aliases are void until their own births.
		for k := range d.tables {
			if k == node || len(k) > len(node) && k[:len(node)+1] == node+"/" {
				delete(d.tables, k)
			}
		}
		return d.newTable(key), true
	case "DBIRTH":
		delete(d.tables, key)
		return d.newTable(key), true
	}
	if tb, ok := d.tables[key]; ok {
		return tb, false
	}
	return &aliasTable{}, false // no birth seen: every alias is unresolved
}

func (d *Decoder) newTable(key string) *aliasTable {
	d.order = slices.DeleteFunc(d.order, func(k string) bool { _, ok := d.tables[k]; return !ok || k == key })
	for len(d.order) >= maxTables {
		delete(d.tables, d.order[0])
		d.order = d.order[1:]
	}
	tb := &aliasTable{byAlias: map[uint64]metricInfo{}, byName: map[string]DataType{}}
	d.tables[key] = tb
	d.order = append(d.order, key)
	return tb
}

// resolve completes m's name and datatype from the table, or, in a birth, records them in it; false when m
// has an alias that cannot be named.
func (tb *aliasTable) resolve(m *metric, birth bool) bool {
	if birth {
		if m.name.ok && len(tb.byName) < maxAliasPerTable {
			tb.byName[m.name.v] = DataType(m.datatypeOr(0))
			if m.alias.ok {
				tb.byAlias[m.alias.v] = metricInfo{name: m.name.v, datatype: DataType(m.datatypeOr(0))}
			}
		}
		return true
	}
	if !m.name.ok && m.alias.ok {
		info, ok := tb.byAlias[m.alias.v]
		if !ok {
			return false
		}
		m.name = some(info.name)
		if !m.datatype.ok && info.datatype != 0 {
			m.datatype = some(uint32(info.datatype))
		}
		return true
	}
	if m.name.ok && !m.datatype.ok {
		if dt, ok := tb.byName[m.name.v]; ok && dt != 0 {
			m.datatype = some(uint32(dt))
		}
	}
	return true
}

// payload and metric are what parsePayload reads; pointers are fields present on the wire.
type payload struct {
	timestamp, seq opt[uint64]
	uuid           opt[string]
	body           []byte
	metrics        []metric
}

type metric struct {
	name                              opt[string]
	alias, timestamp                  opt[uint64]
	datatype                          opt[uint32]
	isHistorical, isTransient, isNull opt[bool]
	metadata, properties              []byte
	value                             wireValue
}

// opt is a field that may be absent from the wire (a pointer would cost an allocation per field).
type opt[T any] struct {
	v  T
	ok bool
}

func some[T any](v T) opt[T] { return opt[T]{v: v, ok: true} }

func (m *metric) datatypeOr(def uint32) uint32 {
	if m.datatype.ok {
		return m.datatype.v
	}
	return def
}

func parsePayload(b []byte) (*payload, error) {
	p := &payload{}
	err := fields(b, func(f field) error {
		switch f.num {
		case 1, 3:
			v, err := f.varint()
			if f.num == 1 {
				p.timestamp = some(v)
			} else {
				p.seq = some(v)
			}
			return err
		case 2:
			mb, err := f.bytes()
			if err != nil {
				return err
			}
			m, err := parseMetric(mb)
			if err != nil {
				return fmt.Errorf("metric %d: %w", len(p.metrics), err)
			}
			p.metrics = append(p.metrics, m)
		case 4:
			s, err := f.bytes()
			p.uuid = some(string(s))
			return err
		case 5:
			s, err := f.bytes()
			p.body = append([]byte{}, s...)
			return err
		}
		return nil
	})
	return p, err
}

func parseMetric(b []byte) (metric, error) {
	var m metric
	err := fields(b, func(f field) error {
		if ok, err := m.value.readValue(f, metricKinds, 10); ok {
			return err
		}
		switch f.num {
		case 1:
			s, err := f.bytes()
			m.name = some(string(s))
			return err
		case 2, 3:
			v, err := f.varint()
			if f.num == 2 {
				m.alias = some(v)
			} else {
				m.timestamp = some(v)
			}
			return err
		case 4:
			v, err := f.varint()
			m.datatype = some(uint32(v))
			return err
		case 5, 6, 7:
			v, err := f.varint()
			x := some(v != 0)
			switch f.num {
			case 5:
				m.isHistorical = x
			case 6:
				m.isTransient = x
			default:
				m.isNull = x
			}
			return err
		case 8:
			var err error
			m.metadata, err = f.bytes()
			return err
		case 9:
			var err error
			m.properties, err = f.bytes()
			return err
		}
		return nil
	})
	return m, err
}

func (m *metric) json(depth int) (jsonvalue.Object, error) {
	o := make(jsonvalue.Object, 0, 6) // name, alias, timestamp, type, value and one more
	if m.name.ok {
		o = append(o, jsonvalue.Member{Key: "name", Value: m.name.v})
	}
	if m.alias.ok {
		o = append(o, jsonvalue.Member{Key: "alias", Value: m.alias.v})
	}
	if m.timestamp.ok {
		o = append(o, jsonvalue.Member{Key: "timestamp", Value: m.timestamp.v})
	}
	dt := DataType(m.datatypeOr(0))
	if m.datatype.ok {
		o = append(o, jsonvalue.Member{Key: "type", Value: typeJSON(dt)})
	}
	for _, b := range [...]struct {
		key string
		v   opt[bool]
	}{{"is_historical", m.isHistorical}, {"is_transient", m.isTransient}, {"is_null", m.isNull}} {
		if b.v.ok {
			o = append(o, jsonvalue.Member{Key: b.key, Value: b.v.v})
		}
	}
	if m.metadata != nil {
		md, err := metadataJSON(m.metadata)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		o = append(o, jsonvalue.Member{Key: "metadata", Value: md})
	}
	if m.properties != nil {
		ps, err := propertySetJSON(m.properties, depth+1)
		if err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
		o = append(o, jsonvalue.Member{Key: "properties", Value: ps})
	}
	if m.isNull.ok && m.isNull.v {
		return append(o, jsonvalue.Member{Key: "value", Value: nil}), nil
	}
	if m.value.kind == noValue {
		return o, nil
	}
	v, err := metricValue(dt, &m.value, depth)
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	return append(o, jsonvalue.Member{Key: "value", Value: v}), nil
}

// typeJSON is a datatype's name, or its number when the enum has no such value.
func typeJSON(t DataType) any {
	if int(t) < len(dataTypeJSON) {
		return dataTypeJSON[t]
	}
	return uint64(t)
}

func metricValue(dt DataType, v *wireValue, depth int) (any, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("nested too deeply")
	}
	switch v.kind {
	case datasetValue:
		return datasetJSON(v.b)
	case templateValue:
		return templateJSON(v.b, depth+1)
	case extensionValue:
		return v.b, nil
	case bytesValue:
		if dt.elemSize() > 0 || dt == BooleanArray || dt == StringArray {
			return array(dt, v.b)
		}
	}
	return v.scalar(dt), nil
}

func metadataJSON(b []byte) (jsonvalue.Object, error) {
	var o jsonvalue.Object
	names := [...]string{1: "is_multi_part", "content_type", "size", "seq", "file_name", "file_type", "md5", "description"}
	err := fields(b, func(f field) error {
		if f.num < 1 || int(f.num) >= len(names) {
			return nil
		}
		key := names[f.num]
		switch f.num {
		case 1:
			v, err := f.varint()
			o = append(o, jsonvalue.Member{Key: key, Value: v != 0})
			return err
		case 3, 4:
			v, err := f.varint()
			o = append(o, jsonvalue.Member{Key: key, Value: v})
			return err
		}
		s, err := f.bytes()
		o = append(o, jsonvalue.Member{Key: key, Value: string(s)})
		return err
	})
	return o, err
}

// propertySetJSON is a PropertySet as an object of {"type", "value"} keyed by property name.
func propertySetJSON(b []byte, depth int) (jsonvalue.Object, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("nested too deeply")
	}
	var keys []string
	var values []any
	err := fields(b, func(f field) error {
		switch f.num {
		case 1:
			s, err := f.bytes()
			keys = append(keys, string(s))
			return err
		case 2:
			vb, err := f.bytes()
			if err != nil {
				return err
			}
			v, err := propertyValueJSON(vb, depth)
			values = append(values, v)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(keys) != len(values) {
		return nil, fmt.Errorf("%d keys for %d values", len(keys), len(values))
	}
	o := make(jsonvalue.Object, len(keys))
	for i := range keys {
		o[i] = jsonvalue.Member{Key: keys[i], Value: values[i]}
	}
	return o, nil
}

func propertyValueJSON(b []byte, depth int) (any, error) {
	var (
		dt     DataType
		hasDT  bool
		isNull bool
		v      wireValue
	)
	err := fields(b, func(f field) error {
		if ok, err := v.readValue(f, propertyKinds, 3); ok {
			return err
		}
		switch f.num {
		case 1:
			x, err := f.varint()
			dt, hasDT = DataType(x), true
			return err
		case 2:
			x, err := f.varint()
			isNull = x != 0
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var o jsonvalue.Object
	if hasDT {
		o = append(o, jsonvalue.Member{Key: "type", Value: typeJSON(dt)})
	}
	var val any
	switch {
	case isNull:
	case v.kind == propertySetValue:
		val, err = propertySetJSON(v.b, depth+1)
	case v.kind == propertySetListValue:
		var list []any
		err = fields(v.b, func(f field) error {
			if f.num != 1 {
				return nil
			}
			sb, err := f.bytes()
			if err != nil {
				return err
			}
			ps, err := propertySetJSON(sb, depth+1)
			list = append(list, ps)
			return err
		})
		if list == nil {
			list = []any{}
		}
		val = list
	default:
		val = v.scalar(dt)
	}
	if err != nil {
		return nil, err
	}
	return append(o, jsonvalue.Member{Key: "value", Value: val}), nil
}

func datasetJSON(b []byte) (jsonvalue.Object, error) {
	var (
		columns []any
		types   []uint32
		rows    [][]wireValue
	)
	err := fields(b, func(f field) error {
		switch f.num {
		case 2:
			s, err := f.bytes()
			columns = append(columns, string(s))
			return err
		case 3:
			var err error
			types, err = f.uint32s(types)
			return err
		case 4:
			rb, err := f.bytes()
			if err != nil {
				return err
			}
			var row []wireValue
			err = fields(rb, func(f field) error {
				if f.num != 1 {
					return nil
				}
				eb, err := f.bytes()
				if err != nil {
					return err
				}
				var v wireValue
				err = fields(eb, func(f field) error {
					_, err := v.readValue(f, datasetKinds, 1)
					return err
				})
				row = append(row, v)
				return err
			})
			rows = append(rows, row)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	typeNames := make([]any, len(types))
	for i, t := range types {
		typeNames[i] = typeJSON(DataType(t))
	}
	if columns == nil {
		columns = []any{}
	}
	rowsJSON := make([]any, len(rows))
	for i, row := range rows {
		r := make([]any, len(row))
		for j := range row {
			dt := Unknown
			if j < len(types) {
				dt = DataType(types[j])
			}
			r[j] = row[j].scalar(dt)
		}
		rowsJSON[i] = r
	}
	return jsonvalue.Object{{Key: "columns", Value: columns}, {Key: "types", Value: typeNames}, {Key: "rows", Value: rowsJSON}}, nil
}

func templateJSON(b []byte, depth int) (jsonvalue.Object, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("nested too deeply")
	}
	var o jsonvalue.Object
	metrics := []any{}
	params := []any{}
	err := fields(b, func(f field) error {
		switch f.num {
		case 1, 4:
			s, err := f.bytes()
			key := "version"
			if f.num == 4 {
				key = "template_ref"
			}
			o = append(o, jsonvalue.Member{Key: key, Value: string(s)})
			return err
		case 5:
			v, err := f.varint()
			o = append(o, jsonvalue.Member{Key: "is_definition", Value: v != 0})
			return err
		case 2:
			mb, err := f.bytes()
			if err != nil {
				return err
			}
			m, err := parseMetric(mb)
			if err != nil {
				return err
			}
			mj, err := m.json(depth)
			metrics = append(metrics, mj)
			return err
		case 3:
			pb, err := f.bytes()
			if err != nil {
				return err
			}
			var (
				name string
				dt   DataType
				v    wireValue
			)
			err = fields(pb, func(f field) error {
				if ok, err := v.readValue(f, parameterKinds, 3); ok {
					return err
				}
				switch f.num {
				case 1:
					s, err := f.bytes()
					name = string(s)
					return err
				case 2:
					x, err := f.varint()
					dt = DataType(x)
					return err
				}
				return nil
			})
			params = append(params, jsonvalue.Object{{Key: "name", Value: name}, {Key: "type", Value: typeJSON(dt)}, {Key: "value", Value: v.scalar(dt)}})
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(o, jsonvalue.Member{Key: "metrics", Value: metrics}, jsonvalue.Member{Key: "parameters", Value: params}), nil
}
