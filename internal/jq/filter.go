package jq

import (
	"context"

	"mqtt/internal/message"
)

// Payload is a decoded payload as a Filter reads it; *codec.Value is one. It is an interface so that
// this package does not link every codec into whatever uses jq (with them, internal/jq cost every start
// of the program 2.8 ms and 3.8 MiB): the caller hands in what its decoder made.
type Payload interface {
	// JQ is the whole payload as gojq input.
	JQ() (any, error)
	// Lookup is the value at path (object keys) as gojq input; ok is false where only JQ can say.
	Lookup(path []string) (v any, ok bool)
}

// Filter runs one Query over a stream of messages: --filter with Keep, --select with Select. It reuses its
// input object, so it serves one stream from one goroutine; what Select yields is valid until the next call.
type Filter struct {
	q   *Query
	in  *Input
	src messageSource // reused: handed to the fast path as an interface, a new one would be allocated
}

// NewFilter returns a Filter running q.
func NewFilter(q *Query) *Filter { return &Filter{q: q, in: NewInput()} }

// Keep says whether m is kept: the query yields a truthy value on it. payload is m's decoded payload, or nil
// when no format was asked for (jq then sees the payload as a string, or its base64 when it is not UTF-8):
// a nil interface, not a nil *codec.Value in one.
// A filter of paths compared with constants, joined by and/or (.payload.temp > 30 and .topic == "a/b"), is
// answered from the values it reads, without building the input object or starting gojq.
func (f *Filter) Keep(ctx context.Context, m *message.Message, payload Payload) (bool, error) {
	if fq := f.q.fast; fq != nil {
		f.src = messageSource{f: f, m: m, payload: payload}
		keep, ok := fq.eval(&f.src)
		f.src = messageSource{}
		if ok {
			return keep, nil
		}
	}
	in, err := f.input(m, payload)
	if err != nil {
		return false, err
	}
	return f.q.Match(ctx, in)
}

// Select calls yield with each value the query yields on m (see Keep for payload).
func (f *Filter) Select(ctx context.Context, m *message.Message, payload Payload, yield func(v any) error) error {
	in, err := f.input(m, payload)
	if err != nil {
		return err
	}
	return f.q.Run(ctx, in, yield)
}

func (f *Filter) input(m *message.Message, payload Payload) (map[string]any, error) {
	if payload == nil {
		return f.in.Set(m, RawPayload(m.Payload)), nil
	}
	p, err := payload.JQ()
	if err != nil {
		return nil, err
	}
	return f.in.Set(m, p), nil
}

// messageSource reads paths of a message's input object without building it.
type messageSource struct {
	f       *Filter
	m       *message.Message
	payload Payload
}

// value is the value at path in the input object; ok is false when only the whole object and gojq can
// say (an error on the way, a member that needs the object built).
func (s *messageSource) value(path []string) (any, bool) {
	f, m, payload := s.f, s.m, s.payload
	switch path[0] {
	case "payload":
		if payload == nil {
			if len(path) == 1 {
				return RawPayload(m.Payload), true
			}
			return nil, false // a string indexed: gojq's error
		}
		return payload.Lookup(path[1:])
	case "topic", "qos", "retain":
		if len(path) > 1 {
			return nil, false
		}
		switch path[0] {
		case "topic":
			return f.in.topicValue(m.Topic), true
		case "qos":
			return int(m.QoS), true
		}
		return m.Retain, true
	case "properties", "time":
		return nil, false
	}
	return nil, len(path) >= 1 // a member the object does not have is null, and so is all below it
}
