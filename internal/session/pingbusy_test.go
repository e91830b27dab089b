package session_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/message"
	"mqtt/internal/session"
)

// A reader held by the command (a subscriber whose stdout blocks) for longer than the quarter
// keep-alive the PINGRESP is given has not read the PINGRESP that came: the connection is not given
// up for it. The broker answers each PINGREQ with a message and then the PINGRESP, and the first
// message is held for four quarters; the session must then take the second message on the same
// connection.
func TestPingWaitsForABusyReader(t *testing.T) {
	for _, v := range []byte{session.V311, session.V5} {
		t.Run(strconv.Itoa(int(v)), func(t *testing.T) {
			t.Parallel()
			v5 := v == session.V5
			b := fakebroker.Start(t, fakebroker.Serve(fakebroker.Replies{fakebroker.PINGREQ: fakebroker.Then(
				fakebroker.Send(fakebroker.Publish(v5, "slow", "x", 0, false, 0)), fakebroker.Standard)}))
			const keepAlive = time.Second
			got := make(chan struct{}, 4)
			held := false
			s, err := session.Connect(session.Bounded(t), session.Options{
				Version: v, Dial: fakeDialer(b), ClientID: "busy", CleanSession: true, KeepAlive: keepAlive,
				OnMessage: func(*message.Message) {
					if !held {
						held = true
						time.Sleep(keepAlive) // the consumer stuck: the condition under test, not a wait for an event
					}
					got <- struct{}{}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Disconnect(context.Background(), nil)
			for i := range 2 {
				select {
				case <-got:
				case <-s.Done():
					t.Fatalf("the connection ended while the reader was busy, after %d messages: %v", i, s.Err())
				case <-time.After(10 * keepAlive):
					t.Fatalf("message %d did not come", i+1)
				}
			}
			if n := b.Connections(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
		})
	}
}
