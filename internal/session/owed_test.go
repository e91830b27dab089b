package session_test

import (
	"slices"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// connectTo connects with o to the next peer that listen hands over, and accepts it. The session is
// disconnected when the test ends, if the test has not done it.
func connectTo(t *testing.T, o session.Options, d transport.Dialer, peers <-chan *peer) (session.Session, *peer) {
	t.Helper()
	o.Dial = d
	type result struct {
		s   session.Session
		err error
	}
	connected := make(chan result, 1)
	go func() {
		s, err := session.Connect(session.Bounded(t), o)
		connected <- result{s, err}
	}()
	p := session.Receive(t, peers, "connection from the client")
	p.accept()
	r := session.Receive(t, connected, "end of Connect")
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.s.Disconnect(session.Bounded(t), nil) })
	return r.s, p
}

// publishes reads n PUBLISH packets and returns them in order.
func (p *peer) publishes(n int) []fakebroker.Packet {
	p.t.Helper()
	var out []fakebroker.Packet
	for range n {
		out = append(out, p.expect(fakebroker.PUBLISH, "waiting for the publishes"))
	}
	return out
}

// A v5 broker refuses a QoS 1 or 2 publish with a reason code from 0x80 up in its PUBACK or PUBREC
// (mosquitto 2.0 does for a topic its acl_file denies). A refused publish counts as refused, never as
// delivered, and a refused PUBREC ends its exchange: no PUBREL follows it. Codes below 0x80 are success,
// 0x10 (No matching subscribers) too, which mosquitto sends for every publish that nobody receives.
func TestRefusedPublishes(t *testing.T) {
	cases := []struct {
		qos, reason byte
		refused     bool
	}{
		{1, 0x00, false}, {1, 0x10, false}, {1, 0x80, true}, {1, 0x87, true}, {1, 0x97, true},
		{2, 0x00, false}, {2, 0x10, false}, {2, 0x80, true}, {2, 0x87, true},
	}
	d, peers := listen(t)
	s, p := connectTo(t, session.Options{Version: session.V5, ClientID: "refused", CleanSession: true, MaxInflight: 20}, d, peers)
	ctx := session.Bounded(t)
	for _, c := range cases {
		if err := s.Publish(ctx, &message.Message{Topic: "t", Payload: []byte("x"), QoS: c.qos}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	sent := p.publishes(len(cases))
	var owed []uint16 // the PUBRELs that accepted QoS 2 publishes are owed, in order
	wantAcked, wantRefused := 0, 0
	for i, c := range cases {
		typ := fakebroker.PUBACK
		if c.qos == 2 {
			typ = fakebroker.PUBREC
			if !c.refused {
				owed = append(owed, sent[i].ID())
			}
		}
		if c.refused {
			wantRefused++
		} else {
			wantAcked++
		}
		p.ack(typ, sent[i].ID(), c.reason)
	}
	for _, id := range owed {
		if got := p.next(); got.Type() != fakebroker.PUBREL || got.ID() != id {
			t.Fatalf("after the acknowledgements the client sent %s, want PUBREL id %d (and none for a refused PUBREC)", describe(got), id)
		}
		p.ack(fakebroker.PUBCOMP, id, 0) // PUBCOMP
	}
	r := s.Drain(ctx)
	if r.Sent != len(cases) || r.Acked != wantAcked || r.Refused != wantRefused || r.Unacked() != wantRefused || r.LastReason != "Not authorized" {
		t.Errorf("report %+v, want %d sent, %d acknowledged, %d refused, the last for \"Not authorized\"", r, len(cases), wantAcked, wantRefused)
	}
	p.disconnect(s, "a refused PUBREC owes no PUBREL")
}

// After a reconnect to a broker that kept the session, the client owes it exactly what was not
// finished: the PUBREL of a QoS 2 message whose PUBREC came, and the QoS 1/2 publishes not
// acknowledged, again with DUP. What was acknowledged is forgotten: resending it would deliver it
// twice, on every reconnect. (Without the session, see TestReconnectWithoutTheSessionPublishesAgain.)
func TestReconnectResendsOnlyWhatIsOwed(t *testing.T) {
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			d, peers := listen(t)
			s, p := connectTo(t, session.Options{
				Version: v.v, ClientID: "owed", MaxInflight: 10,
				Reconnect: &session.Reconnect{MaxDelay: time.Second},
			}, d, peers)
			ctx := session.Bounded(t)
			for _, m := range []struct {
				payload string
				qos     byte
			}{{"acked", 1}, {"completed", 2}, {"received", 2}, {"unacked", 1}} {
				if err := s.Publish(ctx, &message.Message{Topic: "t", Payload: []byte(m.payload), QoS: m.qos}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			sent := p.publishes(4)
			acked, completed, received, unacked := sent[0].ID(), sent[1].ID(), sent[2].ID(), sent[3].ID()
			p.ack(fakebroker.PUBACK, acked, 0)
			p.ack(fakebroker.PUBREC, completed, 0)
			p.expect(fakebroker.PUBREL, "PUBREL for a PUBREC")
			p.ack(fakebroker.PUBCOMP, completed, 0)
			p.ack(fakebroker.PUBREC, received, 0)
			// The client reads in order: its PUBREL for the last PUBREC says it has taken all of the above.
			if got := p.expect(fakebroker.PUBREL, "PUBREL for a PUBREC"); got.ID() != received {
				t.Fatalf("PUBREL id %d, want %d", got.ID(), received)
			}
			p.c.Close()

			p = session.Receive(t, peers, "the client's new connection")
			p.acceptKept()
			if got := p.next(); got.Type() != fakebroker.PUBREL || got.ID() != received {
				t.Fatalf("first packet after the reconnect: %s, want PUBREL id %d (only what is owed is sent again)", describe(got), received)
			}
			if got := p.next(); got.Type() != fakebroker.PUBLISH || got.ID() != unacked || !dup(got) || string(got.Raw[len(got.Raw)-7:]) != "unacked" {
				t.Fatalf("second packet after the reconnect: %s, want the unacknowledged PUBLISH id %d again with DUP", describe(got), unacked)
			}
			p.ack(fakebroker.PUBCOMP, received, 0)
			p.ack(fakebroker.PUBACK, unacked, 0)
			if r := s.Drain(ctx); r.Sent != 4 || r.Acked != 4 {
				t.Errorf("report %+v, want all 4 acknowledged", r)
			}
			p.disconnect(s, "everything was acknowledged, and what is acknowledged is not sent again")
		})
	}
}

// A session that reconnects subscribes again to what it is subscribed to: a filter given to Unsubscribe
// is not subscribed to again, from whichever Subscribe call it came.
func TestReconnectForgetsUnsubscribedFilters(t *testing.T) {
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			d, peers := listen(t)
			s, p := connectTo(t, session.Options{
				Version: v.v, ClientID: "unsub", CleanSession: true,
				Reconnect: &session.Reconnect{MaxDelay: time.Second},
			}, d, peers)
			ctx := session.Bounded(t)
			subscribe := func(filters ...string) {
				t.Helper()
				var subs []session.Subscription
				for _, f := range filters {
					subs = append(subs, session.Subscription{Filter: f, QoS: 1})
				}
				errc := make(chan error, 1)
				go func() { _, err := s.Subscribe(ctx, subs, nil); errc <- err }()
				var got []string
				for len(got) < len(filters) { // 3.1.1 sends one SUBSCRIBE per filter, each after a SUBACK
					pk := p.expect(fakebroker.SUBSCRIBE, "waiting for SUBSCRIBE")
					p.acknowledge(pk)
					got = append(got, pk.Filters(p.v5())...)
				}
				if err := session.Receive(t, errc, "end of Subscribe"); err != nil {
					t.Fatal(err)
				}
			}
			subscribe("a", "b")
			subscribe("c")
			errc := make(chan error, 1)
			go func() { errc <- s.Unsubscribe(ctx, []string{"b", "c"}, nil) }()
			p.acknowledge(p.expect(fakebroker.UNSUBSCRIBE, "waiting for UNSUBSCRIBE"))
			if err := session.Receive(t, errc, "end of Unsubscribe"); err != nil {
				t.Fatal(err)
			}
			p.c.Close()

			// A QoS 1 publish goes out on the new connection after its SUBSCRIBEs, whether it was made
			// before the client noticed the loss (it is sent again) or after: it marks where they end.
			published := make(chan error, 1)
			go func() {
				if err := s.Publish(ctx, &message.Message{Topic: "probe", Payload: []byte("x"), QoS: 1}); err != nil {
					published <- err
					return
				}
				published <- s.Flush()
			}()
			p = session.Receive(t, peers, "the client's new connection")
			p.accept()
			var again []string
			probe := p.next()
			for probe.Type() == fakebroker.SUBSCRIBE {
				p.acknowledge(probe)
				again = append(again, probe.Filters(p.v5())...)
				probe = p.next()
			}
			if !slices.Equal(again, []string{"a"}) {
				t.Errorf("subscribed again to %q, want [a]: b and c were unsubscribed from", again)
			}
			if probe.Type() != fakebroker.PUBLISH {
				t.Fatalf("after subscribing again the client sent %s, want the PUBLISH", describe(probe))
			}
			if err := session.Receive(t, published, "end of the publish"); err != nil {
				t.Fatal(err)
			}
			p.ack(fakebroker.PUBACK, probe.ID(), 0)
			if r := s.Drain(ctx); r.Acked != 1 {
				t.Errorf("report %+v, want the probe acknowledged", r)
			}
		})
	}
}
