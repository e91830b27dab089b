package broker_test

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

func TestAddrResolvesRandomPort(t *testing.T) {
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{
		{Scheme: transport.TCP, Addr: "127.0.0.1:0"},
		{Scheme: transport.WS, Addr: "127.0.0.1:0"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i := range 2 {
		host, port, err := net.SplitHostPort(b.Addr(i))
		if err != nil || host != "127.0.0.1" || port == "0" {
			t.Fatalf("Addr(%d) = %q, want 127.0.0.1 and a real port", i, b.Addr(i))
		}
		// Start returned, so the listener accepts now: no retry loop.
		conn, err := net.Dial("tcp", b.Addr(i))
		if err != nil {
			t.Fatalf("listener %d: %v", i, err)
		}
		conn.Close()
	}
}

// A connection that never sends CONNECT is invisible to mochi's Close; it must not hold Close up,
// and the client must see the connection end.
func TestCloseEndsSilentConnections(t *testing.T) {
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", b.Addr(0))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Close did not return")
	}
	conn.SetReadDeadline(time.Now().Add(wait))
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read after Close = %v, want EOF", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if c, err := net.Dial("tcp", b.Addr(0)); err == nil {
		c.Close()
		t.Fatal("listener still accepts after Close")
	}
}

func TestStartErrors(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	tests := []struct {
		name string
		cfg  broker.Config
		want string
	}{
		{"no listeners", broker.Config{}, "at least one listener"},
		{"unknown scheme", broker.Config{Listeners: []broker.Listener{{Scheme: "quic", Addr: "127.0.0.1:0"}}}, `unknown scheme "quic"`},
		{"tls without config", broker.Config{Listeners: []broker.Listener{{Scheme: transport.TLS, Addr: "127.0.0.1:0"}}}, "needs a TLS configuration"},
		{"address in use", broker.Config{Listeners: []broker.Listener{
			{Scheme: transport.TCP, Addr: "127.0.0.1:0"},
			{Scheme: transport.TCP, Addr: taken.Addr().String()},
		}}, "listener 1 (tcp " + taken.Addr().String() + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := broker.Start(tt.cfg)
			if err == nil {
				b.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start: %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestUnixReplacesStaleSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "mqtt")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "b.sock")

	// A socket file whose listener is gone, as a crashed broker leaves it.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()

	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{{Scheme: transport.Unix, Addr: path}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Addr(0) != path {
		t.Errorf("Addr(0) = %q, want %q", b.Addr(0), path)
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	b.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file left after Close: %v", err)
	}
}
