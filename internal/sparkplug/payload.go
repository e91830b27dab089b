package sparkplug

import "fmt"

// payload and metric are what parsePayload reads.
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
