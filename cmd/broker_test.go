package cmd

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"mqtt/internal/iostreams"
)

// The broker says where it listens before anything else, then logs with -v, and a cancelled context
// (SIGINT, SIGTERM) ends it with exit code 0.
func TestBrokerRunsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w := io.Pipe()
	streams, _, _ := iostreams.Test("")
	streams.ErrOut = w
	code := make(chan int, 1)
	go func() {
		code <- RunWith(ctx, []string{"mqtt", "broker", "--listen", "tcp://127.0.0.1:0", "-v"}, streams)
		w.Close()
	}()
	// Read on: the broker writes an event line before the client's CONNACK.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	first := <-lines
	addr, ok := strings.CutPrefix(first, "listening on tcp://")
	_, port, err := net.SplitHostPort(addr)
	if !ok || err != nil || port == "0" {
		t.Fatalf("first line %q, want listening on tcp://127.0.0.1:PORT", first)
	}
	if c, _, errOut := run(t, "mqtt", "pub", "-p", port, "-i", "pinger", "-t", "x", "-m", "y"); c != 0 {
		t.Fatalf("pub: exit %d: %s", c, errOut)
	}
	if second := <-lines; !strings.Contains(second, `client "pinger" connected from 127.0.0.1:`) {
		t.Fatalf("second line %q, want the client's connect", second)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d after cancel, want 0", c)
	}
}
