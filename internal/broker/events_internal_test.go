package broker

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// A client that closes its end as soon as the broker's DISCONNECT reaches it, while the broker
// stops, is told as stopped by the broker, not as gone on its own (mochi may see the end of the
// connection before it records why it ended it).
func TestDisconnectWhileClosing(t *testing.T) {
	var out bytes.Buffer
	h := &eventLog{w: &out, now: time.Now, schemes: map[string]string{}}
	conn, peer := net.Pipe()
	defer conn.Close()
	defer peer.Close()
	cl := mqtt.New(nil).NewClient(conn, "t0", "gone", false)
	h.OnDisconnect(cl, io.EOF, false)
	h.closing.Store(true)
	h.OnDisconnect(cl, io.EOF, false)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], `client "gone" closed the connection without DISCONNECT`) ||
		!strings.HasSuffix(lines[1], `client "gone" disconnected: server shutting down`) {
		t.Fatalf("logged:\n%s", out.String())
	}
}
