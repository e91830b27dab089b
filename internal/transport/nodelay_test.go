//go:build unix

package transport_test

import (
	"context"
	"net"
	"syscall"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

func TestNoDelay(t *testing.T) {
	b := brokertest.Start(t)
	for _, want := range []bool{false, true} {
		d := b.Dialer(transport.TCP)
		d.NoDelay = want
		conn, err := d.Dial(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := noDelay(t, conn.(*net.TCPConn)); got != want {
			t.Errorf("NoDelay %v: TCP_NODELAY is %v", want, got)
		}
		conn.Close()
	}
}

func noDelay(t *testing.T, c *net.TCPConn) bool {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		v, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
	}); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return v != 0
}
