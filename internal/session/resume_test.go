package session_test

import (
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/message"
	"mqtt/internal/session"
)

// acceptKept reads the CONNACK and accepts it with the session present: the broker kept what the
// last connection left unfinished.
func (p *peer) acceptKept() {
	p.t.Helper()
	p.expect(fakebroker.CONNECT, "first packet")
	if p.v5() {
		p.send([]byte{fakebroker.CONNACK << 4, 3, 1, 0, 0})
	} else {
		p.send([]byte{fakebroker.CONNACK << 4, 2, 1, 0})
	}
}

// A broker that comes back without the session (a clean session, or one it lost) has lost the QoS 2
// messages it had received and not yet been released: mosquitto forwards a QoS 2 message on its
// PUBREL, and answers a PUBREL for a message it does not have with a PUBCOMP all the same. So the
// client publishes such a message again, rather than send the PUBREL and count a PUBCOMP for a message
// nobody will receive as delivered.
func TestReconnectWithoutTheSessionPublishesAgain(t *testing.T) {
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			d, peers := listen(t)
			s, p := connectTo(t, session.Options{
				Version: v.v, ClientID: "unreleased", CleanSession: true, MaxInflight: 10,
				Reconnect: &session.Reconnect{MaxDelay: time.Second},
			}, d, peers)
			ctx := session.Bounded(t)
			if err := s.Publish(ctx, &message.Message{Topic: "t", Payload: []byte("received"), QoS: 2}); err != nil {
				t.Fatal(err)
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			id := p.expect(fakebroker.PUBLISH, "the publish").ID()
			p.ack(fakebroker.PUBREC, id, 0)
			p.expect(fakebroker.PUBREL, "PUBREL for the PUBREC")
			p.c.Close() // before the PUBCOMP: the broker may not have had the PUBREL

			p = session.Receive(t, peers, "the client's new connection")
			p.accept() // no session present
			got := p.next()
			if got.Type() != fakebroker.PUBLISH || got.ID() != id || got.QoS() != 2 || string(got.Raw[len(got.Raw)-8:]) != "received" {
				t.Fatalf("first packet after a reconnect without the session: %s, want the QoS 2 PUBLISH id %d again", describe(got), id)
			}
			p.ack(fakebroker.PUBREC, id, 0)
			if got := p.expect(fakebroker.PUBREL, "PUBREL for the new PUBREC"); got.ID() != id {
				t.Fatalf("PUBREL id %d, want %d", got.ID(), id)
			}
			p.ack(fakebroker.PUBCOMP, id, 0)
			if r := s.Drain(ctx); r.Sent != 1 || r.Acked != 1 {
				t.Errorf("report %+v, want the one message acknowledged", r)
			}
			p.disconnect(s, "the message was completed on the new connection")
		})
	}
}

// A QoS 2 message received and awaiting its PUBREL when the connection drops is delivered once,
// whichever way the broker comes back: with the session, it sends the message again (DUP), which is
// not delivered twice; without it, it numbers its messages afresh, and a new message with the same
// identifier is a new message, delivered.
func TestQoS2ReceivedAcrossAReconnect(t *testing.T) {
	for _, v := range versions {
		for _, kept := range []bool{true, false} {
			name := v.name + "/new session"
			if kept {
				name = v.name + "/session kept"
			}
			t.Run(name, func(t *testing.T) {
				d, peers := listen(t)
				got := make(chan string, 10)
				_, p := connectTo(t, session.Options{
					Version: v.v, ClientID: "q2", CleanSession: !kept,
					Reconnect: &session.Reconnect{MaxDelay: time.Second},
					OnMessage: func(m *message.Message) { got <- string(m.Payload) },
				}, d, peers)
				p.send(fakebroker.Publish(p.v5(), "t", "first", 2, false, 7))
				if pk := p.expect(fakebroker.PUBREC, "PUBREC for the first message"); pk.ID() != 7 {
					t.Fatalf("PUBREC id %d, want 7", pk.ID())
				}
				if m := session.Receive(t, got, "the first message"); m != "first" {
					t.Fatalf("delivered %q, want first", m)
				}
				p.c.Close() // before the PUBREL

				p = session.Receive(t, peers, "the client's new connection")
				want := "second"
				if kept {
					p.acceptKept()
					dup := fakebroker.Publish(p.v5(), "t", "first", 2, false, 7)
					dup[0] |= 8
					p.send(dup)
					want = ""
				} else {
					p.accept()
					p.send(fakebroker.Publish(p.v5(), "t", "second", 2, false, 7))
				}
				p.expect(fakebroker.PUBREC, "PUBREC after the reconnect")
				p.send(fakebroker.Ack(fakebroker.PUBREL, 7))
				p.expect(fakebroker.PUBCOMP, "PUBCOMP for the PUBREL")
				// A QoS 0 message after it marks the end of what is delivered.
				p.send(fakebroker.Publish(p.v5(), "t", "end", 0, false, 0))
				var after []string
				for m := ""; m != "end"; {
					m = session.Receive(t, got, "the messages after the reconnect")
					after = append(after, m)
				}
				if (want == "" && len(after) != 1) || (want != "" && (len(after) != 2 || after[0] != want)) {
					t.Errorf("delivered after the reconnect: %q; want %q before end", after, want)
				}
			})
		}
	}
}
