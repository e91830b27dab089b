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
