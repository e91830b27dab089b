package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

func fakeDialer(b *fakebroker.Broker) transport.Dialer {
	return transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: b.Port, Timeout: 5 * time.Second}
}

// On MQTT 3.1.1 a broker closes the connection of a client whose id another client takes, without a
// word; after a few connections in a row closed right after their CONNACK the session says what is
// the likely cause, once. It keeps reconnecting: the user decides.
func TestReconnectSuspectsTheSameID(t *testing.T) {
	b := fakebroker.Start(t, fakebroker.Serve(fakebroker.Replies{fakebroker.CONNECT: fakebroker.Then(fakebroker.Standard, fakebroker.Close)}))
	events := make(chan session.Event, 64)
	s, err := session.Connect(context.Background(), session.Options{
		Version: session.V311, Dial: fakeDialer(b), ClientID: "dupid", CleanSession: true, KeepAlive: 60 * time.Second,
		Reconnect: &session.Reconnect{MaxDelay: 10 * time.Millisecond},
		OnEvent: func(e session.Event) {
			if _, ok := e.(session.Reconnecting); !ok {
				events <- e
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Disconnect(context.Background(), nil)
	timeout := time.After(30 * time.Second)
	for lost := 0; ; {
		select {
		case e := <-events:
			switch e := e.(type) {
			case session.ConnectionLost:
				lost++
			case session.SameIDSuspected:
				if e.ClientID != "dupid" || e.Drops < 3 || lost < 3 {
					t.Fatalf("suspected after %d drops: %+v", lost, e)
				}
				return
			}
		case <-timeout:
			t.Fatal("no SameIDSuspected")
		}
	}
}

// A protocol error from the broker ends a reconnecting session for good, with the error.
func TestProtocolErrorIsNotRetried(t *testing.T) {
	b := fakebroker.Start(t, fakebroker.Serve(fakebroker.Replies{fakebroker.SUBSCRIBE: fakebroker.Then(fakebroker.Standard,
		fakebroker.Send([]byte{0x36, 3, 0, 1, 'a'}, fakebroker.Publish(false, "after", "AFTER", 0, false, 0)))}))
	got := make(chan string, 4)
	s, err := session.Connect(context.Background(), session.Options{
		Version: session.V311, Dial: fakeDialer(b), ClientID: "p", CleanSession: true, KeepAlive: 60 * time.Second,
		OnMessage: func(m *message.Message) { got <- m.Topic },
		Reconnect: &session.Reconnect{MaxDelay: 10 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Subscribe(context.Background(), []session.Subscription{{Filter: "#"}}, nil)
	select {
	case <-s.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not end")
	}
	var pe *session.ProtocolError
	if !errors.As(s.Err(), &pe) {
		t.Fatalf("Err() = %v, want a ProtocolError", s.Err())
	}
	if b.Connections() != 1 {
		t.Errorf("%d connections: a protocol error was retried", b.Connections())
	}
	select {
	case topic := <-got:
		t.Errorf("delivered %q after the malformed packet", topic)
	default:
	}
}
