package sparkplug

import (
	"google.golang.org/protobuf/encoding/protowire"

	"mqtt/internal/jsonvalue"
)

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
