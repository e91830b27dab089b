// Package brokertest starts an in-process broker for tests, on loopback addresses and random ports.
package brokertest

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"mqtt/internal/broker"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// Broker is a test broker with one listener per scheme asked for.
type Broker struct {
	*broker.Broker
	// Certs are the certificates behind the tls and wss listeners: Certs.CA signs the server's.
	Certs   *testcert.Set
	schemes []transport.Scheme
}

// Start starts a broker listening on 127.0.0.1 with a random port for each scheme (tcp when none is
// given), or on a socket in a fresh directory for unix, and closes it when the test ends. tls and
// wss present testcert's server certificate.
func Start(t testing.TB, schemes ...transport.Scheme) *Broker {
	t.Helper()
	if len(schemes) == 0 {
		schemes = []transport.Scheme{transport.TCP}
	}
	b := &Broker{Certs: testcert.New(t), schemes: schemes}
	var cfg broker.Config
	for _, s := range schemes {
		l := broker.Listener{Scheme: s, Addr: "127.0.0.1:0"}
		switch s {
		case transport.TLS, transport.WSS:
			l.TLS = b.Certs.ServerConfig()
		case transport.Unix:
			l.Addr = socketPath(t)
		}
		cfg.Listeners = append(cfg.Listeners, l)
	}
	var err error
	b.Broker, err = broker.Start(cfg)
	if err != nil {
		t.Fatalf("starting test broker: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// socketPath is in a directory of its own under the system's temporary directory: t.TempDir's
// paths, named after the test, can pass the 108-byte limit on socket paths.
func socketPath(t testing.TB) string {
	dir, err := os.MkdirTemp("", "mqtt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "broker.sock")
}

func (b *Broker) index(s transport.Scheme) int {
	for i, have := range b.schemes {
		if have == s {
			return i
		}
	}
	panic("brokertest: no " + string(s) + " listener was started")
}

// AddrOf returns the host:port of the listener for s, or its socket path for unix.
func (b *Broker) AddrOf(s transport.Scheme) string { return b.Addr(b.index(s)) }

// Port returns the port of the listener for s.
func (b *Broker) Port(s transport.Scheme) int {
	_, port, err := net.SplitHostPort(b.AddrOf(s))
	if err != nil {
		panic("brokertest: " + string(s) + " listener has no port: " + err.Error())
	}
	n, _ := strconv.Atoi(port)
	return n
}

// Dialer returns a dialer for the listener of s that trusts Certs.CA.
func (b *Broker) Dialer(s transport.Scheme) transport.Dialer {
	d := transport.Dialer{Scheme: s}
	switch s {
	case transport.Unix:
		d.UnixPath = b.AddrOf(s)
		return d
	case transport.TLS, transport.WSS:
		d.TLS = b.Certs.ClientConfig()
	}
	d.Host = "127.0.0.1"
	d.Port = b.Port(s)
	return d
}
