package jq

import "github.com/itchyny/gojq"

// fastQuery answers the commonest --filter shapes without gojq's interpreter, whose set-up per run (an
// environment, a stack, a dozen allocations) costs more than the question: paths of object keys compared
// with constants (.payload.temp > 30, "a/b" == .topic), paths alone (.payload.alarm), and and/or of those
// (.payload.temp > 30 and .payload.hum < 50). It gives gojq's answer exactly: comparison is
// gojq.Compare, a constant is what gojq makes of it, every operand yields one value so and/or are plain
// boolean logic (short-circuit included), and wherever a path would meet something other than an object
// or null (where jq raises an error) the whole query goes to gojq instead.
type fastQuery struct {
	op      gojq.Operator // 0: the path's own truthiness; OpAnd, OpOr: of l and r; else a comparison
	path    []string
	konst   any
	swapped bool // the constant is on the left
	l, r    *fastQuery
}

// valueSource gives the value at a path of the input object; ok is false where only gojq can say.
type valueSource interface {
	value(path []string) (v any, ok bool)
}

// newFastQuery recognises q, or returns nil.
func newFastQuery(q *gojq.Query) *fastQuery {
	if q == nil || q.Meta != nil || len(q.Imports) > 0 || len(q.FuncDefs) > 0 || len(q.Patterns) > 0 {
		return nil
	}
	switch q.Op {
	case 0:
		if q.Term == nil {
			return nil
		}
		if q.Term.Type == gojq.TermTypeQuery && len(q.Term.SuffixList) == 0 { // (...)
			return newFastQuery(q.Term.Query)
		}
		if path, ok := termPath(q.Term); ok {
			return &fastQuery{path: path}
		}
	case gojq.OpAnd, gojq.OpOr:
		l, r := newFastQuery(q.Left), newFastQuery(q.Right)
		if l != nil && r != nil {
			return &fastQuery{op: q.Op, l: l, r: r}
		}
	case gojq.OpEq, gojq.OpNe, gojq.OpGt, gojq.OpLt, gojq.OpGe, gojq.OpLe:
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
	}
	return nil
}

func simple(q *gojq.Query) bool {
	return q != nil && q.Op == 0 && q.Term != nil && q.Meta == nil && len(q.FuncDefs) == 0 && len(q.Patterns) == 0
}

// termPath reads .a.b.c (or ."a".b): a name index followed by name indexes only, none optional.
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
		if q.Term.Str == nil || len(q.Term.Str.Queries) > 0 {
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

// eval answers the query from src; ok is false when some path needs gojq (for its error).
func (f *fastQuery) eval(src valueSource) (keep, ok bool) {
	switch f.op {
	case gojq.OpAnd, gojq.OpOr:
		l, ok := f.l.eval(src)
		if !ok {
			return false, false
		}
		if l == (f.op == gojq.OpOr) { // false and ..., true or ...: the right side is not run
			return l, true
		}
		return f.r.eval(src)
	}
	v, ok := src.value(f.path)
	if !ok {
		return false, false
	}
	if f.op == 0 {
		return truthy(v), true
	}
	c := gojq.Compare(v, f.konst)
	if f.swapped {
		c = -c
	}
	switch f.op {
	case gojq.OpEq:
		return c == 0, true
	case gojq.OpNe:
		return c != 0, true
	case gojq.OpGt:
		return c > 0, true
	case gojq.OpLt:
		return c < 0, true
	case gojq.OpGe:
		return c >= 0, true
	}
	return c <= 0, true
}

// objectSource reads paths from a built input object.
type objectSource struct{ in any }

func (s *objectSource) value(path []string) (any, bool) {
	v := s.in
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case nil:
		default:
			return nil, false
		}
	}
	return v, true
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
