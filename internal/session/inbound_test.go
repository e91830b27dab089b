package session

import (
	"bytes"
	"errors"
	"io"
	"net"
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
// the library read, what was written back (acknowledgements) and how often OnIdle ran.
func readAll(t *testing.T, stream []byte, chunk int) (got []received, lib, acks []byte, idles int) {
	t.Helper()
	w := &writeConn{}
	in := newInbound(&chunkConn{data: stream, chunk: chunk}, Options{
		Version: V311,
		OnMessage: func(m *message.Message) {
			got = append(got, received{m.Topic, string(m.Payload), m.QoS})
		},
		OnIdle: func() { idles++ },
	}, newOutbound(w, false))
	lib, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	return got, lib, w.all(), idles
}

func TestInboundDeliversAcknowledgesAndPasses(t *testing.T) {
	connack := packet(0x20, []byte{0, 0})
	big := bytes.Repeat([]byte("z"), 200<<10) // larger than the read buffer
	var stream []byte
	stream = append(stream, connack...)
	stream = append(stream, pub(0x30, "a", 0, []byte("one"))...)
	stream = append(stream, pub(0x32, "b", 1, []byte("two"))...)
	stream = append(stream, packet(0xd0, nil)...) // PINGRESP
	stream = append(stream, pub(0x30, "c", 0, big)...)
	stream = append(stream, pub(0x31, "a", 0, nil)...)
	stream = append(stream, pub(0x34, "q2", 7, []byte("three"))...)
	stream = append(stream, pub(0x3c, "q2", 7, []byte("three"))...) // sent again before the PUBREL
	stream = append(stream, packet(0x62, []byte{0, 7})...)          // PUBREL
	want := []received{{"a", "one", 0}, {"b", "two", 1}, {"c", string(big), 0}, {"a", "", 0}, {"q2", "three", 2}}
	// The library sees what it must act on: CONNACK and PINGRESP.
	wantLib := append(append([]byte{}, connack...), 0xd0, 0)
	// PUBACK, PUBREC twice, PUBCOMP, in libmosquitto's short form.
	wantAcks := []byte{0x40, 2, 0, 1, 0x50, 2, 0, 7, 0x50, 2, 0, 7, 0x70, 2, 0, 7}
	for _, chunk := range []int{1, 3, 1000, 1 << 20} {
		got, lib, acks, idles := readAll(t, stream, chunk)
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
		if !bytes.Equal(acks, wantAcks) {
			t.Errorf("chunk %d: wrote % x, want % x", chunk, acks, wantAcks)
		}
		if idles == 0 {
			t.Errorf("chunk %d: OnIdle never ran", chunk)
		}
	}
}

// Every packet a broker must not send, or sends malformed, ends the connection with a ProtocolError, and
// nothing after it is delivered.
func TestInboundProtocolErrors(t *testing.T) {
	after := pub(0x30, "after", 0, []byte("AFTER"))
	for _, tc := range []struct {
		name string
		v5   bool
		bad  []byte
	}{
		{"five length bytes", false, []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"QoS 3", false, pub(0x36, "a", 1, nil)},
		{"topic past the end", false, packet(0x30, []byte{0, 9, 'a'})},
		{"topic not UTF-8", false, pub(0x30, "\xff", 0, nil)},
		{"NUL in the topic", false, pub(0x30, "a\x00b", 0, nil)},
		{"control character in the topic", false, pub(0x30, "a\nb", 0, nil)},
		{"wildcard in the topic", false, pub(0x30, "a/+", 0, nil)},
		{"hash in the topic", false, pub(0x30, "a/#", 0, nil)},
		{"QoS 1 with id 0", false, pub(0x32, "a", 0, nil)},
		{"packet type 0", false, packet(0x00, nil)},
		{"CONNECT", false, packet(0x10, []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0})},
		{"SUBSCRIBE", false, packet(0x82, []byte{0, 1, 0, 1, 'a', 0})},
		{"UNSUBSCRIBE", false, packet(0xa2, []byte{0, 1, 0, 1, 'a'})},
		{"PINGREQ", false, packet(0xc0, nil)},
		{"AUTH on 3.1.1", false, packet(0xf0, nil)},
		{"second CONNACK", false, packet(0x20, []byte{0, 0})},
		{"PUBACK with flags", false, packet(0x41, []byte{0, 1})},
		{"PUBREL without its flag", false, packet(0x60, []byte{0, 1})},
		{"v5 properties past the end", true, packet(0x30, []byte{0, 1, 'a', 9, 1})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			connack, version := []byte{0x20, 2, 0, 0}, V311
			if tc.v5 {
				connack, version = []byte{0x20, 3, 0, 0, 0}, V5
			}
			stream := append(append(connack, tc.bad...), after...)
			out := newOutbound(&writeConn{}, tc.v5)
			in := newInbound(&chunkConn{data: stream, chunk: 1000}, Options{
				Version: version, OnMessage: func(m *message.Message) { t.Errorf("delivered %q", m.Topic) },
			}, out)
			_, err := io.ReadAll(in)
			var pe *ProtocolError
			if !errors.As(err, &pe) || !errors.As(out.cause(nil), &pe) {
				t.Errorf("err = %v, cause %v; want a ProtocolError", err, out.cause(nil))
			}
		})
	}
}

// A header that claims 256 MiB costs no more memory than the bytes that came: the buffer grows with
// them (mosquitto_sub stays at a few MB where a buffer of the size claimed took 277 MB).
func TestInboundGrowsTheBufferAsBytesArrive(t *testing.T) {
	stream := append([]byte{0x20, 2, 0, 0, 0x30, 0xff, 0xff, 0xff, 0x7f}, bytes.Repeat([]byte("x"), 300<<10)...)
	in := newInbound(&chunkConn{data: stream, chunk: 64 << 10}, Options{Version: V311}, newOutbound(&writeConn{}, false))
	_, _ = io.ReadAll(in)
	if len(in.buf) > 1<<20 {
		t.Errorf("buffer of %d bytes for %d received", len(in.buf), len(stream))
	}
}

// Our own maximum-packet-size holds for what the broker sends.
func TestInboundEnforcesOurMaximumPacketSize(t *testing.T) {
	limit := uint32(100)
	stream := append(packet(0x20, []byte{0, 0, 0}), pub(0x30, "a", 0, bytes.Repeat([]byte("x"), 200))[:0]...)
	stream = append(stream, packet(0x30, append([]byte{0, 1, 'a', 0}, bytes.Repeat([]byte("x"), 200)...))...)
	out := newOutbound(&writeConn{}, true)
	in := newInbound(&chunkConn{data: stream, chunk: 1000}, Options{
		Version: V5, ConnectProps: &message.Properties{MaximumPacketSize: &limit},
		OnMessage: func(m *message.Message) { t.Error("delivered a packet over the limit") },
	}, out)
	_, err := io.ReadAll(in)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Limit != 100 || pe.Size != 207 {
		t.Errorf("err = %#v, want a ProtocolError for 207 bytes over 100", err)
	}
}

// A QoS 2 message awaiting its PUBREL is delivered once however often the broker sends it again (with
// DUP); a PUBLISH with the same identifier and DUP clear is a new message from a broker that forgot the
// old one (mosquitto after a SIGKILL), and is delivered.
func TestInboundQoS2ReusedIdentifier(t *testing.T) {
	var stream []byte
	stream = append(stream, packet(0x20, []byte{0, 0})...)
	stream = append(stream, pub(0x34, "q2", 7, []byte("one"))...)
	stream = append(stream, pub(0x3c, "q2", 7, []byte("one"))...) // again, DUP
	stream = append(stream, pub(0x34, "q2", 7, []byte("two"))...) // new, the identifier reused
	stream = append(stream, packet(0x62, []byte{0, 7})...)        // PUBREL
	got, _, acks, _ := readAll(t, stream, 1000)
	if len(got) != 2 || got[0].payload != "one" || got[1].payload != "two" {
		t.Errorf("delivered %q, want one and two, once each", got)
	}
	// PUBREC three times, PUBCOMP once.
	if want := []byte{0x50, 2, 0, 7, 0x50, 2, 0, 7, 0x50, 2, 0, 7, 0x70, 2, 0, 7}; !bytes.Equal(acks, want) {
		t.Errorf("acknowledgements % x, want % x", acks, want)
	}
}

// loopConn returns its data again and again, in reads of at most chunk bytes, until left bytes are
// read; then io.EOF.
type loopConn struct {
	net.Conn
	data        []byte
	off         int
	chunk, left int
}

func (c *loopConn) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.chunk, c.left)], c.data[c.off:])
	c.off = (c.off + n) % len(c.data)
	c.left -= n
	return n, nil
}

// The receive path of a subscriber: 16-byte QoS 0 messages read in 16 KiB blocks (batchReader's
// low-water mark), framed and delivered. Per message, nothing allocated.
func BenchmarkInboundQoS0(b *testing.B) {
	one := pub(0x30, "x", 0, []byte("000000000000000\n"))
	var stream []byte
	for range 4096 {
		stream = append(stream, one...)
	}
	delivered := 0
	in := newInbound(&loopConn{data: stream, chunk: 16 << 10, left: b.N * len(one)}, Options{
		Version: V311, OnMessage: func(*message.Message) { delivered++ },
	}, newOutbound(&writeConn{}, false))
	b.ReportAllocs()
	b.SetBytes(int64(len(one)))
	if _, err := io.Copy(io.Discard, in); err != nil {
		b.Fatal(err)
	}
	if delivered != b.N {
		b.Fatalf("%d delivered of %d", delivered, b.N)
	}
}
