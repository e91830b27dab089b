package jq

import (
	"context"
	"testing"
	"time"

	"mqtt/internal/codec"
	"mqtt/internal/message"
)

var benchMsg = message.Message{
	Topic:    "sensors/kitchen/temp",
	Payload:  []byte(`{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`),
	Received: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
}

// BenchmarkFilter is the per-message cost of sub --filter '.payload.temp > 30' on JSON payloads past the
// network: check the JSON, read the one value, compare (the fast path).
func BenchmarkFilter(b *testing.B) {
	benchKeep(b, ".payload.temp > 30", false)
}

// BenchmarkFilterGojq is the same filter through gojq: parse the payload to gojq input, build the input
// object, run the interpreter.
func BenchmarkFilterGojq(b *testing.B) {
	benchKeep(b, ".payload.temp > 30", true)
}

// BenchmarkFilterAnd is two comparisons joined, still on the fast path.
func BenchmarkFilterAnd(b *testing.B) {
	benchKeep(b, `.payload.temp > 30 and .payload.id == "sensor-1"`, false)
}

// BenchmarkFilterComplex is a filter the fast path does not take.
func BenchmarkFilterComplex(b *testing.B) {
	benchKeep(b, `.payload.temp > 30 and (.topic | startswith("sensors/"))`, false)
}

func benchKeep(b *testing.B, expr string, slow bool) {
	dec, _ := codec.NewDecoder(codec.Options{Format: codec.JSON})
	q, _ := Compile(expr, Options{})
	if slow {
		q.fast = nil
	}
	f := NewFilter(q)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		v, err := dec.Decode(benchMsg.Topic, benchMsg.Payload)
		if err != nil {
			b.Fatal(err)
		}
		if keep, err := f.Keep(ctx, &benchMsg, v); !keep || err != nil {
			b.Fatal(keep, err)
		}
	}
}

// BenchmarkGojqOnly is gojq's own share: the query run on a ready input object.
func BenchmarkGojqOnly(b *testing.B) {
	dec, _ := codec.NewDecoder(codec.Options{Format: codec.JSON})
	q, _ := Compile(".payload.temp > 30", Options{})
	q.fast = nil
	v, _ := dec.Decode(benchMsg.Topic, benchMsg.Payload)
	p, _ := v.JQ()
	in := NewInput().Set(&benchMsg, p)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if keep, err := q.Match(ctx, in); !keep || err != nil {
			b.Fatal(keep, err)
		}
	}
}

// BenchmarkInput is building the input object alone.
func BenchmarkInput(b *testing.B) {
	in := NewInput()
	b.ReportAllocs()
	for b.Loop() {
		in.Set(&benchMsg, nil)
	}
}

// BenchmarkSelect is sub --select '{id: .payload.id, t: .payload.temp}': decode, query, write the result.
func BenchmarkSelect(b *testing.B) {
	dec, _ := codec.NewDecoder(codec.Options{Format: codec.JSON})
	q, _ := Compile("{id: .payload.id, t: .payload.temp}", Options{})
	f := NewFilter(q)
	ctx := context.Background()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		v, _ := dec.Decode(benchMsg.Topic, benchMsg.Payload)
		err := f.Select(ctx, &benchMsg, v, func(v any) error {
			buf = AppendJSON(buf[:0], v)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
