// Package jq compiles the jq expressions of --filter and --select (github.com/itchyny/gojq) and runs them
// over received messages.
//
// Each message is one jq input object, built by Input without a JSON round trip:
//
//	{"topic": "a/b", "payload": <decoded value>, "qos": 1, "retain": false,
//	 "properties": null | {"content-type": ..., "user-property": [["k", "v"]], ...},
//	 "time": "2026-12-01T10:00:00.000000Z"}
//
// properties and time are spelt as the --json lines spell them (format/jsonlines.go). The wiring
// compiles once, before connecting (a *CompileError has the column), then per message:
//
//	q, err := jq.Compile(expr, jq.Options{})   // before connecting
//	f := jq.NewFilter(q)                       // one per stream
//	...
//	keep, err := f.Keep(ctx, &msg, v)          // --filter: v is the *codec.Value (a Payload), or nil without --decode
//	err = f.Select(ctx, &msg, v, func(x any) error { buf = jq.AppendJSON(buf[:0], x); ... })  // --select
//
// An error on one message (a runtime error of the expression, a *RuntimeError) is returned for the caller
// to note and skip. The input object is the Filter's own and reused: what Select yields is valid until the
// next call. Keep answers the commonest shapes (.payload.temp > 30) from the one value they read.
package jq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/itchyny/gojq"
)

// Query is a compiled jq expression. It is immutable and safe for concurrent use.
type Query struct {
	src  string
	code *gojq.Code
	fast *fastQuery // nil unless the expression has a shape Match can answer without gojq
}

// Options are the environment a query sees.
type Options struct {
	// Environ gives $ENV and env; nil means an empty environment (the library reads no process state).
	Environ func() []string
}

// CompileError is an expression that does not parse (Column is 1-based, in characters) or does not compile
// (an undefined function: Column is 0).
type CompileError struct {
	Expr   string
	Column int
	Msg    string
}

func (e *CompileError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s at column %d", e.Msg, e.Column)
	}
	return e.Msg
}

// Compile parses and compiles expr.
func Compile(expr string, o Options) (*Query, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		ce := &CompileError{Expr: expr, Msg: err.Error()}
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			off := min(max(pe.Offset, 0), len(expr))
			// gojq's offset is just past the offending token; the column points at its start.
			start := max(off-len(pe.Token), 0)
			ce.Column = utf8.RuneCountInString(expr[:start]) + 1
		}
		return nil, ce
	}
	env := o.Environ
	if env == nil {
		env = func() []string { return nil }
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(env))
	if err != nil {
		return nil, &CompileError{Expr: expr, Msg: err.Error()}
	}
	return &Query{src: expr, code: code, fast: newFastQuery(q)}, nil
}

// String is the expression as given.
func (q *Query) String() string { return q.src }

// RuntimeError is an error the expression raised on one message.
type RuntimeError struct{ Err error }

func (e *RuntimeError) Error() string { return e.Err.Error() }
func (e *RuntimeError) Unwrap() error { return e.Err }

// Match runs the query on in and says whether it yields a truthy value (anything but false and null),
// stopping at the first; an error raised before one is returned.
func (q *Query) Match(ctx context.Context, in any) (bool, error) {
	if q.fast != nil {
		if keep, ok := q.fast.eval(&objectSource{in: in}); ok {
			return keep, nil
		}
	}
	it := q.code.RunWithContext(ctx, in)
	for {
		v, ok := it.Next()
		if !ok {
			return false, nil
		}
		switch v := v.(type) {
		case error:
			return false, runtimeError(v)
		case nil:
		case bool:
			if v {
				return true, nil
			}
		default:
			return true, nil
		}
	}
}

// Run calls yield with each value the query yields on in, and stops at yield's first error or the
// query's (a *RuntimeError).
func (q *Query) Run(ctx context.Context, in any, yield func(v any) error) error {
	it := q.code.RunWithContext(ctx, in)
	for {
		v, ok := it.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			return runtimeError(err)
		}
		if err := yield(v); err != nil {
			return err
		}
	}
}

func runtimeError(err error) error {
	var he *gojq.HaltError
	if errors.As(err, &he) && he.Value() == nil {
		return &RuntimeError{Err: errors.New("halt (exit code " + strconv.Itoa(he.ExitCode()) + ")")}
	}
	return &RuntimeError{Err: err}
}
