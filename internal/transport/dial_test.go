package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/broker"
	"mqtt/internal/broker/brokertest"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

var allSchemes = []transport.Scheme{transport.TCP, transport.TLS, transport.WS, transport.WSS, transport.Unix}

func TestDialEveryScheme(t *testing.T) {
	b := brokertest.Start(t, allSchemes...)
	for _, s := range allSchemes {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			dialRoundTrip(t, b.Dialer(s), "every-"+string(s))
		})
	}
}

func TestDialByName(t *testing.T) {
	b := brokertest.Start(t, transport.TCP, transport.TLS, transport.WSS)
	for _, s := range []transport.Scheme{transport.TCP, transport.TLS, transport.WSS} {
		d := b.Dialer(s)
		d.Host = "localhost" // the server certificate names it too
		dialRoundTrip(t, d, "byname-"+string(s))
	}
}

func TestWebSocketPath(t *testing.T) {
	b := brokertest.Start(t, transport.WS)
	d := b.Dialer(transport.WS)
	d.Path = "custom/path" // the leading slash is optional
	dialRoundTrip(t, d, "wspath")
}

func TestDialRefused(t *testing.T) {
	addr := closedPort(t)
	_, port, _ := net.SplitHostPort(addr)
	for _, s := range []transport.Scheme{transport.TCP, transport.TLS, transport.WS, transport.WSS} {
		d := transport.Dialer{Scheme: s, Host: "127.0.0.1", Port: atoi(port)}
		_, err := d.Dial(context.Background())
		want := "connecting to " + addr + ": connection refused"
		if err == nil || err.Error() != want {
			t.Errorf("%s: Dial error = %v, want %q", s, err, want)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s: error does not wrap ECONNREFUSED", s)
		}
	}
}

func TestDialUnixErrors(t *testing.T) {
	d := transport.Dialer{Scheme: transport.Unix, UnixPath: "/nonexistent/mqtt.sock"}
	_, err := d.Dial(context.Background())
	want := "connecting to unix socket /nonexistent/mqtt.sock: no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("Dial error = %v, want %q", err, want)
	}
	d.Proxy = "socks5h://127.0.0.1:1080"
	if _, err := d.Dial(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot carry a unix socket") {
		t.Errorf("unix through a proxy: %v", err)
	}
}

func TestDialUnknownScheme(t *testing.T) {
	_, err := transport.Dialer{Scheme: "quic"}.Dial(context.Background())
	if err == nil || !strings.Contains(err.Error(), `unknown transport "quic"`) {
		t.Fatalf("Dial error = %v", err)
	}
}

// A server that accepts TCP but never answers the TLS or WebSocket handshake must not hang Dial.
func TestDialTimeout(t *testing.T) {
	// The kernel completes the TCP handshake from the backlog; nothing ever reads.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, s := range []transport.Scheme{transport.TLS, transport.WS, transport.WSS} {
		d := transport.Dialer{Scheme: s, Host: "127.0.0.1", Port: port, Timeout: 100 * time.Millisecond}
		start := time.Now()
		_, err := d.Dial(context.Background())
		if err == nil {
			t.Fatalf("%s: Dial succeeded", s)
		}
		if !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
			t.Errorf("%s: Dial error = %v, want a timeout", s, err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("%s: Dial took %v", s, elapsed)
		}
	}
}

func TestDialCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}
	if _, err := d.Dial(ctx); err == nil {
		t.Fatal("Dial succeeded with a cancelled context")
	}
}

func TestBindAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	// Linux answers on all of 127/8, which gives a local address other than the default.
	d := transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: port, BindAddress: "127.0.0.2"}
	conn, err := d.Dial(context.Background())
	if err != nil {
		t.Skipf("127.0.0.2 is not usable here: %v", err)
	}
	defer conn.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if got := peer.RemoteAddr().(*net.TCPAddr).IP.String(); got != "127.0.0.2" {
		t.Errorf("server saw the client at %s, want 127.0.0.2", got)
	}
}

func TestBindAddressError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// 192.0.2.1 is TEST-NET-1: never an address of this machine.
	d := transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, BindAddress: "192.0.2.1"}
	_, err = d.Dial(context.Background())
	if err == nil || !strings.Contains(err.Error(), "binding to local address 192.0.2.1") {
		t.Fatalf("Dial error = %v, want it to name the bind address", err)
	}
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestDialIPv6(t *testing.T) {
	certs := testcert.New(t)
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{
		{Scheme: transport.TCP, Addr: "[::1]:0"},
		{Scheme: transport.TLS, Addr: "[::1]:0", TLS: certs.ServerConfig()},
	}})
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer b.Close()
	for i, s := range []transport.Scheme{transport.TCP, transport.TLS} {
		_, port, _ := net.SplitHostPort(b.Addr(i))
		for j, host := range []string{"::1", "[::1]"} {
			d := transport.Dialer{Scheme: s, Host: host, Port: atoi(port), TLS: certs.ClientConfig()}
			// A client id of its own per dial: reusing one races the broker's clean-up of the previous
			// session, which can take the new subscription with it.
			dialRoundTrip(t, d, fmt.Sprintf("v6-%s-%d", s, j))
		}
	}
}
