package avro

import (
	"encoding/json"
	"slices"
	"strings"

	"mqtt/internal/jsonvalue"
)

// goavro writes records from Go maps, in no fixed order. node is the part of the schema that puts them
// back in the schema's order: records with their fields, and what contains records.
type node struct {
	kind     string // "record", "array", "map", "union", or "" for anything else
	fields   []field
	items    *node // array items, map values
	branches []*node
	defaults map[string]bool // record fields that have a default
}

type field struct {
	name string
	t    *node
}

// parseOrder reads the schema JSON into nodes, resolving named types; goavro has already checked it.
func parseOrder(schema []byte) (*node, error) {
	var s any
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, err
	}
	named := map[string]*node{}
	return build(s, "", named), nil
}

func build(s any, ns string, named map[string]*node) *node {
	switch s := s.(type) {
	case string:
		full := s
		if !strings.Contains(s, ".") && ns != "" {
			full = ns + "." + s
		}
		if n, ok := named[full]; ok {
			return n
		}
		if n, ok := named[s]; ok {
			return n
		}
		return &node{}
	case []any:
		n := &node{kind: "union"}
		for _, b := range s {
			n.branches = append(n.branches, build(b, ns, named))
		}
		return n
	case map[string]any:
		t, _ := s["type"].(string)
		switch t {
		case "record", "error":
			name, _ := s["name"].(string)
			if space, ok := s["namespace"].(string); ok && !strings.Contains(name, ".") {
				ns = space
			}
			full := name
			if !strings.Contains(name, ".") && ns != "" {
				full = ns + "." + name
			} else if i := strings.LastIndexByte(name, '.'); i >= 0 {
				ns = name[:i]
			}
			n := &node{kind: "record", defaults: map[string]bool{}}
			named[full] = n
			fs, _ := s["fields"].([]any)
			for _, f := range fs {
				fm, _ := f.(map[string]any)
				fname, _ := fm["name"].(string)
				n.fields = append(n.fields, field{name: fname, t: build(fm["type"], ns, named)})
				if _, ok := fm["default"]; ok {
					n.defaults[fname] = true
				}
			}
			return n
		case "array":
			return &node{kind: "array", items: build(s["items"], ns, named)}
		case "map":
			return &node{kind: "map", items: build(s["values"], ns, named)}
		case "enum", "fixed":
			name, _ := s["name"].(string)
			full := name
			if space, ok := s["namespace"].(string); ok && !strings.Contains(name, ".") {
				full = space + "." + name
			} else if !strings.Contains(name, ".") && ns != "" {
				full = ns + "." + name
			}
			n := &node{}
			named[full] = n
			return n
		}
		return build(s["type"], ns, named) // {"type": "long", "logicalType": ...} and the like
	}
	return &node{}
}

// order rearranges v, parsed from goavro's JSON, as the schema has it: record fields in schema order, map
// keys sorted (the wire order is lost inside goavro).
func (n *node) order(v any) any {
	switch n.kind {
	case "record":
		o, ok := v.(jsonvalue.Object)
		if !ok {
			return v
		}
		out := make(jsonvalue.Object, 0, len(o))
		for _, f := range n.fields {
			if x, ok := o.Get(f.name); ok {
				out = append(out, jsonvalue.Member{Key: f.name, Value: f.t.order(x)})
			}
		}
		return out
	case "array":
		if a, ok := v.([]any); ok {
			for i := range a {
				a[i] = n.items.order(a[i])
			}
		}
	case "map":
		if o, ok := v.(jsonvalue.Object); ok {
			slices.SortFunc(o, func(a, b jsonvalue.Member) int { return strings.Compare(a.Key, b.Key) })
			for i := range o {
				o[i].Value = n.items.order(o[i].Value)
			}
		}
	case "union":
		if b := n.branchFor(v); b != nil {
			return b.order(v)
		}
	}
	return v
}

// branchFor guesses which branch of a union a plain JSON value took: the first record whose fields are
// the object's keys, else the first map, else nothing to reorder.
func (n *node) branchFor(v any) *node {
	o, ok := v.(jsonvalue.Object)
	if !ok {
		if _, isArray := v.([]any); isArray {
			for _, b := range n.branches {
				if b.kind == "array" {
					return b
				}
			}
		}
		return nil
	}
	for _, b := range n.branches {
		if b.kind == "record" && b.fits(o) {
			return b
		}
	}
	for _, b := range n.branches {
		if b.kind == "map" {
			return b
		}
	}
	return nil
}

func (n *node) fits(o jsonvalue.Object) bool {
	for _, m := range o {
		if !slices.ContainsFunc(n.fields, func(f field) bool { return f.name == m.Key }) {
			return false
		}
	}
	return true
}

// missing finds the first record field without a default that v leaves out, to name it when goavro only
// says how many it found.
func (n *node) missing(v any, path string) string {
	switch n.kind {
	case "record":
		o, ok := v.(jsonvalue.Object)
		if !ok {
			return ""
		}
		for _, f := range n.fields {
			x, ok := o.Get(f.name)
			if !ok && !n.defaults[f.name] {
				return jsonvalue.Field(path, f.name)
			}
			if p := f.t.missing(x, jsonvalue.Field(path, f.name)); p != "" {
				return p
			}
		}
	case "array":
		if a, ok := v.([]any); ok {
			for i, x := range a {
				if p := n.items.missing(x, jsonvalue.Index(path, i)); p != "" {
					return p
				}
			}
		}
	case "map":
		if o, ok := v.(jsonvalue.Object); ok {
			for _, m := range o {
				if p := n.items.missing(m.Value, jsonvalue.Field(path, m.Key)); p != "" {
					return p
				}
			}
		}
	case "union":
		if b := n.branchFor(v); b != nil {
			return b.missing(v, path)
		}
	}
	return ""
}
