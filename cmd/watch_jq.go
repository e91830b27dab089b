package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"

	"mqtt/internal/codec"
	"mqtt/internal/jq"
	"mqtt/internal/message"
	"mqtt/internal/watch"
)

// watch's jq options: --filter keeps the messages an expression is true for, --field picks the number a
// sparkline draws. Both see the payload as --decode reads it (auto without it), as sub's --filter does;
// each has a decoder of its own, since a decoder keeps state and is used by one goroutine in order.

// errStopSelect ends a --field query at its first value.
var errStopSelect = errors.New("first value taken")

// compileJQ compiles a --filter or --field expression before connecting.
func compileJQ(flag, expr string) (*jq.Query, *problem) {
	q, err := jq.Compile(expr, jq.Options{Environ: os.Environ})
	if err != nil {
		return nil, usageErr(errPubOption, fmt.Sprintf("--%s %q: %v.", flag, expr, err))
	}
	return q, nil
}

// decoded is m's payload as d reads it for jq: nil (the payload as text) without d or when it does not
// decode. A nil *codec.Value must not go into the interface.
func decoded(d *codec.Decoder, m *message.Message) jq.Payload {
	if d == nil {
		return nil
	}
	v, err := d.Decode(m.Topic, m.Payload)
	if err != nil {
		return nil
	}
	return v
}

// jqKeep is --filter for the receiver: a message the expression fails on is not shown.
func jqKeep(ctx context.Context, q *jq.Query, d *codec.Decoder) func(*message.Message) bool {
	f := jq.NewFilter(q)
	return func(m *message.Message) bool {
		ok, err := f.Keep(ctx, m, decoded(d, m))
		return ok && err == nil
	}
}

// jqNumber is --field for the store: the first value the expression yields, when it is a number.
func jqNumber(ctx context.Context, q *jq.Query, d *codec.Decoder) func(*message.Message) (float64, bool) {
	f := jq.NewFilter(q)
	return func(m *message.Message) (float64, bool) {
		var n float64
		var ok bool
		_ = f.Select(ctx, m, decoded(d, m), func(v any) error {
			n, ok = jqFloat(v)
			return errStopSelect
		})
		return n, ok
	}
}

// jqFloat is a jq number as a float: gojq yields int, float64, *big.Int, or json.Number (fromjson).
func jqFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	case float64:
		return n, n == n
	case *big.Int:
		f, _ := new(big.Float).SetInt(n).Float64()
		return f, true
	}
	return 0, false
}

// watchDecoder shows what d decodes: structured values as JSON (compact on the line, indented in the
// detail), the rest as the view shows any payload.
func watchDecoder(d *codec.Decoder) watch.Decoder {
	return func(m *message.Message) (string, string) {
		v, err := d.Decode(m.Topic, m.Payload)
		if err != nil || !v.Structured() {
			return watch.DefaultDecoder(m)
		}
		line := v.AppendJSON(nil)
		var pretty bytes.Buffer
		if json.Indent(&pretty, line, "", "  ") != nil {
			return string(line), string(line)
		}
		return string(line), pretty.String()
	}
}
