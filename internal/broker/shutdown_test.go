package broker

import (
	"testing"

	"mqtt/internal/transport"
)

// Each of our listeners closes its clients with closeClients, never with the function mochi hands
// it, whose double read lock can hang Close (see shutdown.go).
func TestListenersCloseClientsWithoutMochisCloser(t *testing.T) {
	b, err := Start(Config{Listeners: []Listener{
		{Scheme: transport.TCP, Addr: "127.0.0.1:0"},
		{Scheme: transport.WS, Addr: "127.0.0.1:0"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i, scheme := range b.schemes {
		id := listenerID(Listener{Scheme: scheme}, i)
		l, _ := b.server.Listeners.Get(id)
		var c *closer
		switch l := l.(type) {
		case *streamListener:
			c = &l.closer
		case *wsListener:
			c = &l.closer
		default:
			t.Fatalf("listener %s is a %T", id, l)
		}
		if c.fn == nil {
			t.Fatalf("listener %s was not given closeClients", id)
		}
		ours := false
		c.fn = func(string) { ours = true }
		c.closeClients(id, func(string) { t.Errorf("listener %s closed its clients with mochi's closer", id) })
		if !ours {
			t.Errorf("listener %s did not close its clients with ours", id)
		}
	}
}
