package jq

import "github.com/itchyny/gojq"

// fastQuery runs the commonest --filter shapes without starting gojq's interpreter, whose set-up per run
// (an environment, a stack, a dozen allocations) costs more than the comparison: a path of object keys
// compared with a constant (.payload.temp > 30, "a/b" == .topic), or a path alone (.payload.alarm). It
// gives gojq's answer exactly: comparison is gojq.Compare, the constant is what gojq makes of it, and any
// input where the path would meet something other than an object or null (where jq raises an error) goes to
// gojq instead.
type fastQuery struct {
	path    []string
	op      gojq.Operator // 0: the path's own truthiness
	konst   any
	swapped bool // the constant is on the left
}

// newFastQuery recognises q, or returns nil.
func newFastQuery(q *gojq.Query) *fastQuery {
	if q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 || len(q.Patterns) > 0 {
		return nil
	}
	if q.Op == 0 && q.Term != nil {
		if path, ok := termPath(q.Term); ok {
			return &fastQuery{path: path}
		}
		return nil
	}
	switch q.Op {
	case gojq.OpEq, gojq.OpNe, gojq.OpGt, gojq.OpLt, gojq.OpGe, gojq.OpLe:
	default:
		return nil
	}
	if !simple(q.Left) || !simple(q.Right) {
		return nil
	}
	if path, ok := termPath(q.Left.Term); ok {
		if k, ok := constant(q.Right); ok {
			return &fastQuery{path: path, op: q.Op, konst: k}
		}
	}
	if path, ok := termPath(q.Right.Term); ok {
		if k, ok := constant(q.Left); ok {
			return &fastQuery{path: path, op: q.Op, konst: k, swapped: true}
		}
	}
	return nil
}

func simple(q *gojq.Query) bool {
	return q != nil && q.Op == 0 && q.Term != nil && q.Meta == nil && len(q.FuncDefs) == 0 && len(q.Patterns) == 0
}

// termPath reads .a.b.c (or ."a".b) : a name index followed by name indexes only, none optional.
func termPath(t *gojq.Term) ([]string, bool) {
	if t.Type != gojq.TermTypeIndex {
		return nil, false
	}
	first, ok := indexName(t.Index)
	if !ok {
		return nil, false
	}
	path := []string{first}
	for _, s := range t.SuffixList {
		if s.Iter || s.Optional || s.Index == nil {
			return nil, false
		}
		name, ok := indexName(s.Index)
		if !ok {
			return nil, false
		}
		path = append(path, name)
	}
	return path, true
}

func indexName(ix *gojq.Index) (string, bool) {
	if ix == nil || ix.Start != nil || ix.End != nil || ix.IsSlice {
		return "", false
	}
	if ix.Name != "" {
		return ix.Name, true
	}
	if ix.Str != nil && len(ix.Str.Queries) == 0 {
		return ix.Str.Str, true
	}
	return "", false
}

// constant is the value of a literal, as gojq itself evaluates it.
func constant(q *gojq.Query) (any, bool) {
	switch q.Term.Type {
	case gojq.TermTypeNumber, gojq.TermTypeTrue, gojq.TermTypeFalse, gojq.TermTypeNull:
	case gojq.TermTypeUnary: // -30
		if u := q.Term.Unary; u == nil || u.Term == nil || u.Term.Type != gojq.TermTypeNumber || len(u.Term.SuffixList) > 0 {
			return nil, false
		}
	case gojq.TermTypeString:
		if q.Term.Str == nil || len(q.Term.Str.Queries) > 0 || q.Term.Str.Str == "" && q.Term.Format != "" {
			return nil, false
		}
	default:
		return nil, false
	}
	if len(q.Term.SuffixList) > 0 || q.Term.Format != "" {
		return nil, false
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, false
	}
	it := code.Run(nil)
	v, ok := it.Next()
	if _, isErr := v.(error); !ok || isErr {
		return nil, false
	}
	if _, more := it.Next(); more {
		return nil, false
	}
	return v, true
}

// match evaluates the query on the input object in; ok is false when the path meets a value that only
// gojq can answer for (with its error).
func (f *fastQuery) match(in any) (keep, ok bool) {
	v := in
	for _, k := range f.path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case nil:
		default:
			return false, false
		}
	}
	return f.test(v), true
}

// test is the query's answer for v, the value at its path.
func (f *fastQuery) test(v any) bool {
	if f.op == 0 {
		return truthy(v)
	}
	c := gojq.Compare(v, f.konst)
	if f.swapped {
		c = -c
	}
	switch f.op {
	case gojq.OpEq:
		return c == 0
	case gojq.OpNe:
		return c != 0
	case gojq.OpGt:
		return c > 0
	case gojq.OpLt:
		return c < 0
	case gojq.OpGe:
		return c >= 0
	}
	return c <= 0
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	}
	return true
}
