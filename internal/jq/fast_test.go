package jq

import (
	"context"
	"math"
	"math/big"
	"testing"
)

// The fast path answers exactly as gojq does, on every shape it takes and every kind of value.
func TestFastPathAgreesWithGojq(t *testing.T) {
	exprs := []string{
		".payload.temp > 30", ".payload.temp < 30", ".payload.temp >= 30", ".payload.temp <= 30.0",
		".payload.temp == 30", ".payload.temp != 30", "30 < .payload.temp", `.payload.id == "s1"`,
		`.payload.id > "s"`, ".payload.ok == true", ".payload.n == null", ".payload.temp > -1e3",
		".payload.alarm", ".topic", `."payload"."temp" > 1`, ".payload.a.b.c == 1", ".payload.temp == 1e500",
		`.payload.temp > 12345678901234567890123`, ".payload.temp > 30 and .payload.id == \"s1\"",
		".payload.ok or .payload.temp > 30", "(.payload.temp > 30) and (.payload.alarm or .payload.n == null)",
		".payload.alarm and .payload.temp.x", ".payload.ok or .payload.temp.x > 1",
	}
	big, _ := new(big.Int).SetString("12345678901234567890124", 10)
	payloads := []any{
		nil, map[string]any{}, map[string]any{"temp": 31.5}, map[string]any{"temp": 30}, map[string]any{"temp": "31"},
		map[string]any{"temp": nil}, map[string]any{"temp": []any{1}}, map[string]any{"temp": map[string]any{}},
		map[string]any{"temp": math.NaN()}, map[string]any{"temp": math.Inf(1)}, map[string]any{"temp": big},
		map[string]any{"id": "s1", "ok": true, "alarm": false}, map[string]any{"alarm": 0}, map[string]any{"a": map[string]any{"b": map[string]any{"c": 1}}},
		map[string]any{"a": map[string]any{"b": "str"}}, "a string payload", 42.0, []any{1, 2},
	}
	for _, expr := range exprs {
		q, err := Compile(expr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if q.fast == nil {
			t.Errorf("%s: no fast path", expr)
			continue
		}
		slow := *q
		slow.fast = nil
		for _, p := range payloads {
			in := msg(p)
			a, aerr := q.Match(context.Background(), in)
			b, berr := slow.Match(context.Background(), in)
			if a != b || (aerr == nil) != (berr == nil) {
				t.Errorf("%s on %#v: fast %v %v, gojq %v %v", expr, p, a, aerr, b, berr)
			}
		}
	}
}

func TestFastPathOnlyForItsShapes(t *testing.T) {
	for _, expr := range []string{
		".payload.temp? > 30", ".payload[] > 1", ".payload.temp + 1 > 30", ".payload.t > 30 and (.qos | not)", "(.payload.temp > 30)[0]",
		`.payload.id == "\(.topic)"`, ".payload.temp > $x", "def f: 1; .payload.temp > f", ".payload[0] > 1", `.payload.temp == @base64 "x"`,
	} {
		q, err := Compile(expr, Options{})
		if err != nil {
			continue
		}
		if q.fast != nil {
			t.Errorf("%s took the fast path", expr)
		}
	}
}
