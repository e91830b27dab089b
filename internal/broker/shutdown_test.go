package broker

import (
	"testing"

	"mqtt/internal/transport"
)

// Each of our listeners closes its clients with the function it was made with, never with the one
// mochi hands it, whose double read lock can hang Close (see shutdown.go).
func TestListenersCloseClientsWithoutMochisCloser(t *testing.T) {
	for _, scheme := range []transport.Scheme{transport.TCP, transport.WS} {
		ours := false
		l, err := listen("l", Listener{Scheme: scheme, Addr: "127.0.0.1:0"}, &gate{}, func(string) { ours = true })
		if err != nil {
			t.Fatal(err)
		}
		l.Close(func(string) { t.Errorf("the %s listener closed its clients with mochi's closer", scheme) })
		if !ours {
			t.Errorf("the %s listener did not close its clients with ours", scheme)
		}
	}
}
