package session_test

import (
	"slices"
	"testing"

	"mqtt/internal/fakebroker"
	"mqtt/internal/message"
	"mqtt/internal/session"
)

// OnAck is told the outcome of every QoS 1/2 publish, once, as its exchange ends: a PUBACK, a PUBCOMP,
// or a refused PUBREC (an accepted PUBREC is half way). Each outcome carries the packet identifier, the
// QoS, the reason code and the time since the PUBLISH was written, and a drain that returns has seen
// every outcome it counts told first.
func TestOnAckTellsEveryOutcome(t *testing.T) {
	cases := []struct {
		qos, reason byte
		refused     bool
	}{{1, 0x00, false}, {1, 0x87, true}, {2, 0x10, false}, {2, 0x97, true}, {1, 0x10, false}}
	d, peers := listen(t)
	var acks []session.Ack // appended on the reader; read after the drain
	s, p := connectTo(t, session.Options{
		Version: session.V5, ClientID: "acks", CleanSession: true, MaxInflight: 20,
		OnAck: func(a session.Ack) { acks = append(acks, a) },
	}, d, peers)
	ctx := session.Bounded(t)
	var mids []uint16
	for _, c := range cases {
		m := &message.Message{Topic: "t", Payload: []byte("x"), QoS: c.qos}
		if err := s.Publish(ctx, m); err != nil {
			t.Fatal(err)
		}
		mids = append(mids, m.MID)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	sent := p.publishes(len(cases))
	for i, c := range cases {
		if c.qos == 1 {
			p.ack(fakebroker.PUBACK, sent[i].ID(), c.reason)
			continue
		}
		p.ack(fakebroker.PUBREC, sent[i].ID(), c.reason)
		if !c.refused {
			p.expect(fakebroker.PUBREL, "the PUBREL of an accepted PUBREC")
			p.ack(fakebroker.PUBCOMP, sent[i].ID(), 0)
		}
	}
	r := s.Drain(ctx)
	if r.Unacked() != 2 {
		t.Fatalf("report %+v, want 2 refused", r)
	}
	if len(acks) != len(cases) {
		t.Fatalf("OnAck told %d outcomes, want %d: %+v", len(acks), len(cases), acks)
	}
	for i, c := range cases {
		want := session.Ack{MID: mids[i], QoS: c.qos, Reason: c.reason, Refused: c.refused}
		if c.qos == 2 && !c.refused {
			want.Reason = 0 // the PUBCOMP's
		}
		got := acks[slices.IndexFunc(acks, func(a session.Ack) bool { return a.MID == mids[i] })]
		if got.Latency <= 0 {
			t.Errorf("message %d: latency %v, want the time since it was written", i, got.Latency)
		}
		got.Latency = 0
		if got != want {
			t.Errorf("message %d: OnAck told %+v, want %+v", i, got, want)
		}
	}
	p.disconnect(s, "every exchange has ended")
}
