package jq

import (
	"context"
	"errors"
	"strings"
	"testing"

	"mqtt/internal/codec"
	"mqtt/internal/message"
)

// Keep gives the same answers whether the fast path or gojq answers, on JSON payloads, decoded trees and
// raw payloads.
func TestKeepFastAndSlowAgree(t *testing.T) {
	exprs := []string{".payload.temp > 30", ".payload.a.b == \"x\"", ".topic == \"s/1\"", ".qos >= 1", ".retain",
		".payload", ".payload.temp", ".nosuch.x == null", ".payload.temp > 30 and .qos == 0", ".time > \"2000\"",
		".payload.a.b == \"x\" or .payload.temp > 30", "(.retain or .payload.temp) and .topic == \"s/1\""}
	payloads := []string{`{"temp":31}`, `{"temp":29.5,"a":{"b":"x"}}`, `{"temp":"hot"}`, `[1,2]`, `"str"`, `null`, `{"a":{"b":[1]}}`, `{"a":"s"}`}
	enc, _ := codec.NewEncoder(codec.Options{Format: codec.CBOR})
	for _, expr := range exprs {
		q, err := Compile(expr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		slow := *q
		slow.fast = nil
		for _, format := range []string{codec.JSON, codec.CBOR, ""} {
			dec, _ := codec.NewDecoder(codec.Options{Format: format})
			if format == "" {
				dec = nil
			}
			for _, p := range payloads {
				payload := []byte(p)
				if format == codec.CBOR {
					payload, _ = enc.Encode(nil, "t", payload)
				}
				m := message.Message{Topic: "s/1", QoS: 1, Payload: payload}
				var v Payload // nil without a decoder
				if dec != nil {
					if v, err = dec.Decode(m.Topic, payload); err != nil {
						t.Fatal(err)
					}
				}
				a, aerr := NewFilter(q).Keep(context.Background(), &m, v)
				b, berr := NewFilter(&slow).Keep(context.Background(), &m, v)
				if a != b || (aerr == nil) != (berr == nil) {
					t.Errorf("%s on %s (%q): fast %v %v, gojq %v %v", expr, p, format, a, aerr, b, berr)
				}
			}
		}
	}
}

func TestKeepErrorOnOneMessage(t *testing.T) {
	q, _ := Compile(".payload.temp > 30", Options{})
	f := NewFilter(q)
	dec, _ := codec.NewDecoder(codec.Options{Format: codec.JSON})
	var kept []string
	var errs int
	for _, p := range []string{`{"temp":31}`, `"just a string"`, `{"temp":35}`} {
		m := message.Message{Topic: "t", Payload: []byte(p)}
		v, _ := dec.Decode("t", m.Payload)
		keep, err := f.Keep(context.Background(), &m, v)
		var re *RuntimeError
		switch {
		case errors.As(err, &re):
			errs++
			if !strings.Contains(err.Error(), "expected an object but got: string") {
				t.Errorf("error %v", err)
			}
		case err != nil:
			t.Fatal(err)
		case keep:
			kept = append(kept, p)
		}
	}
	if errs != 1 || len(kept) != 2 {
		t.Errorf("kept %v, %d errors", kept, errs)
	}
}

func TestSelectPlainPayload(t *testing.T) {
	q, _ := Compile(`{t: .topic, p: .payload, n: (.payload | length)}`, Options{})
	f := NewFilter(q)
	var got []string
	for _, p := range [][]byte{[]byte("hello"), {0xff, 0x00}} {
		m := message.Message{Topic: "t", Payload: p}
		f.Select(context.Background(), &m, nil, func(v any) error {
			got = append(got, string(AppendJSON(nil, v)))
			return nil
		})
	}
	if strings.Join(got, " ") != `{"n":5,"p":"hello","t":"t"} {"n":4,"p":"/wA=","t":"t"}` {
		t.Errorf("got %v", got)
	}
}

// A decoded payload is what the filter takes.
var _ Payload = (*codec.Value)(nil)
