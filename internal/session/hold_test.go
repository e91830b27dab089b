package session

import (
	"io"
	"net"
	"testing"
	"time"
)

// On a new connection the CONNECT goes first: a write of ours (a publisher's flush under way when the
// old connection dropped) waits for the CONNACK instead of reaching the broker before the CONNECT,
// which a broker takes for a protocol error and closes the connection.
func TestWritesWaitForTheConnack(t *testing.T) {
	client, broker := net.Pipe()
	defer client.Close()
	defer broker.Close()
	out := newOutbound(nil, false)
	out.connect = []byte{0x10, 0} // stands for the CONNECT: only its first byte is looked at
	in := newInbound(client, Options{Version: V311}, out)
	in.hold = out.attach(client)
	ours := make(chan error, 1)
	go func() {
		_, err := out.write([]byte{0x30, 3, 0, 1, 't'}) // a QoS 0 PUBLISH
		ours <- err
	}()
	go func() { _, _ = io.Copy(io.Discard, in) }() // the library's reader

	// Nothing of ours before the CONNECT. The wait cannot prove the write would never come early, only
	// catch it when it does; it never fails a correct session.
	_ = broker.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if b, err := readPacket(broker); err == nil {
		t.Fatalf("% x written before the CONNECT", b)
	}
	_ = broker.SetReadDeadline(time.Time{})
	go func() { _, _ = in.Write([]byte{0x10, 0}) }() // the library writes its CONNECT
	if b, err := readPacket(broker); err != nil || b[0] != 0x10 {
		t.Fatalf("first packet % x (%v), want the CONNECT", b, err)
	}
	select {
	case err := <-ours:
		t.Fatalf("our write returned (%v) before the CONNACK", err)
	default:
	}
	if _, err := broker.Write([]byte{0x20, 2, 0, 0}); err != nil { // CONNACK, accepted
		t.Fatal(err)
	}
	if b, err := readPacket(broker); err != nil || b[0] != 0x30 {
		t.Fatalf("after the CONNACK, % x (%v), want our PUBLISH", b, err)
	}
	if err := Receive(t, ours, "our write after the CONNACK"); err != nil {
		t.Fatal(err)
	}
}

// A connection that fails before its CONNACK lets what waited fail on it, rather than hang.
func TestWritesHeldForAFailedConnectionFail(t *testing.T) {
	client, broker := net.Pipe()
	defer client.Close()
	out := newOutbound(nil, false)
	in := newInbound(client, Options{Version: V311}, out)
	in.hold = out.attach(client)
	ours := make(chan error, 1)
	go func() {
		_, err := out.write([]byte{0x30, 3, 0, 1, 't'})
		ours <- err
	}()
	broker.Close()
	_, _ = io.Copy(io.Discard, in) // the reader stops: EOF
	if err := Receive(t, ours, "the held write once the reader stopped"); err == nil {
		t.Error("the held write succeeded on a closed connection")
	}
}

// readPacket reads one packet of a few bytes (a one-byte remaining length).
func readPacket(c net.Conn) ([]byte, error) {
	h := make([]byte, 2)
	if _, err := io.ReadFull(c, h); err != nil {
		return nil, err
	}
	b := make([]byte, 2+int(h[1]))
	copy(b, h)
	_, err := io.ReadFull(c, b[2:])
	return b, err
}
