package session

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"

	"mqtt/internal/message"
)

// chunkConn returns its data in reads of at most chunk bytes, then io.EOF.
type chunkConn struct {
	net.Conn
	data  []byte
	chunk int
}

func (c *chunkConn) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.chunk, len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// packet frames a body with a fixed header.
func packet(first byte, body []byte) []byte {
	b := []byte{first}
	n := len(body)
	for {
		d := byte(n & 0x7f)
		n >>= 7
		if n > 0 {
			d |= 0x80
		}
		b = append(b, d)
		if n == 0 {
			break
		}
	}
	return append(b, body...)
}

func pub(first byte, topic string, mid uint16, payload []byte) []byte {
	b := append([]byte{0, byte(len(topic))}, topic...)
	if first&6 != 0 {
		b = append(b, byte(mid>>8), byte(mid))
	}
	return packet(first, append(b, payload...))
}

type received struct {
	topic   string
	payload string
	qos     byte
}

// readAll runs inbound over stream, as a library would read it, and returns what reached OnMessage, what
// the library read, and how often OnIdle ran.
func readAll(t *testing.T, stream []byte, chunk int) (got []received, lib []byte, idles int) {
	t.Helper()
	in := newInbound(&chunkConn{data: stream, chunk: chunk}, Options{
		Version: V311,
		OnMessage: func(m *message.Message) {
			got = append(got, received{m.Topic, string(m.Payload), m.QoS})
		},
		OnIdle: func() { idles++ },
	}, newOutbound(nil, false))
	lib, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	return got, lib, idles
}

func TestInboundDeliversAndPasses(t *testing.T) {
	connack := packet(0x20, []byte{0, 0})
	q1 := pub(0x32, "b", 1, []byte("two"))
	big := bytes.Repeat([]byte("z"), 200<<10) // larger than the read buffer
	var stream []byte
	stream = append(stream, connack...)
	stream = append(stream, pub(0x30, "a", 0, []byte("one"))...)
	stream = append(stream, q1...)
	stream = append(stream, packet(0xd0, nil)...) // PINGRESP
	stream = append(stream, pub(0x30, "c", 0, big)...)
	stream = append(stream, pub(0x31, "a", 0, nil)...)
	want := []received{{"a", "one", 0}, {"b", "two", 1}, {"c", string(big), 0}, {"a", "", 0}}
	// The library sees what it must act on: CONNACK, the QoS 1 PUBLISH to acknowledge, PINGRESP.
	wantLib := append(append(append([]byte{}, connack...), q1...), 0xd0, 0)
	for _, chunk := range []int{1, 3, 1000, 1 << 20} {
		got, lib, idles := readAll(t, stream, chunk)
		if len(got) != len(want) {
			t.Fatalf("chunk %d: %d messages, want %d", chunk, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("chunk %d: message %d = %.40q, want %.40q", chunk, i, got[i], want[i])
			}
		}
		if !bytes.Equal(lib, wantLib) {
			t.Errorf("chunk %d: library read % x, want % x", chunk, lib, wantLib)
		}
		if idles == 0 {
			t.Errorf("chunk %d: OnIdle never ran", chunk)
		}
	}
}

func TestInboundWithoutHandlerPassesEverything(t *testing.T) {
	stream := append(packet(0x20, []byte{0, 0}), pub(0x30, "a", 0, []byte("x"))...)
	in := newInbound(&chunkConn{data: stream, chunk: 2}, Options{Version: V311}, newOutbound(nil, false))
	lib, err := io.ReadAll(in)
	if err != nil || !bytes.Equal(lib, stream) {
		t.Errorf("library read % x (%v), want % x", lib, err, stream)
	}
}

func TestInboundMalformed(t *testing.T) {
	in := newInbound(&chunkConn{data: pub(0x36, "a", 1, nil), chunk: 100}, Options{
		Version: V311, OnMessage: func(*message.Message) { t.Error("delivered a malformed PUBLISH") },
	}, newOutbound(nil, false))
	_, err := io.ReadAll(in)
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("err = %v, want a malformed packet", err)
	}
}
