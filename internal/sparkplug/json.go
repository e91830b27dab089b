package sparkplug

import (
	"fmt"

	"mqtt/internal/jsonvalue"
)

// json is the metric as the decoded JSON shows it (see the package documentation); depth counts the
// templates it is nested in.
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
