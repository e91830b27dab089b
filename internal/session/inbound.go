package session

import (
	"fmt"
	"io"
	"net"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// inbound sits between the connection and the library. It reads in large blocks (both libraries read a
// fixed header a byte at a time), hands every PUBLISH to OnMessage itself, in order and on the library's
// reader goroutine, and passes the library only the packets it has to act on: everything but a QoS 0
// PUBLISH. The library still acknowledges QoS 1 and 2; its own message handler does nothing.
//
// This is the receive path of `mqtt sub`: a million messages cost what printing them costs, instead of
// three goroutine hand-offs and a dozen allocations each inside the libraries.
type inbound struct {
	net.Conn
	buf  []byte // buf[r:w] is read and not yet framed
	r, w int
	pass []byte // whole packets for the library; it reads them with Read
	off  int    // how much of pass the library has read
	err  error  // the connection's read error, returned once pass is empty

	out       *outbound // counts the acknowledgements of what we publish, and writes
	dec       wire.Decoder
	msg       message.Message
	onMessage func(*message.Message)
	onIdle    func()
	delivered bool // a message went out since onIdle was last called

	src io.Reader // the connection, or a batchReader over it
	now time.Time // when the bytes in buf arrived
}

const inboundBuf = 64 << 10

func newInbound(c net.Conn, opts Options, out *outbound) *inbound {
	in := &inbound{
		Conn: c, out: out, buf: make([]byte, inboundBuf), dec: wire.Decoder{V5: opts.Version == V5},
		onMessage: opts.OnMessage, onIdle: opts.OnIdle, src: c,
	}
	if b := newBatchReader(c, opts.ReadBatch); b != nil {
		in.src = b
	}
	return in
}

func (in *inbound) Read(p []byte) (int, error) {
	for {
		if in.off < len(in.pass) {
			n := copy(p, in.pass[in.off:])
			in.off += n
			if in.off == len(in.pass) {
				in.pass, in.off = in.pass[:0], 0
			}
			return n, nil
		}
		if err := in.frame(); err != nil {
			in.out.readerStopped()
			return 0, err
		}
		if len(in.pass) > 0 {
			continue
		}
		if in.err != nil {
			in.out.readerStopped()
			return 0, in.err
		}
		in.fill()
	}
}

// Write is the library's: its packets go out whole, never inside one of ours.
func (in *inbound) Write(p []byte) (int, error) { return in.out.libraryWrite(p) }

// frame handles every whole packet in the buffer.
func (in *inbound) frame() error {
	for {
		b := in.buf[in.r:in.w]
		first, remaining, hs, err := wire.Header(b)
		if err != nil {
			return fmt.Errorf("reading from the broker: %w", err)
		}
		if hs == 0 || len(b) < hs+remaining {
			in.makeRoom(hs + remaining)
			return nil
		}
		packet := b[:hs+remaining]
		in.r += len(packet)
		switch typ := first >> 4; {
		case typ == wire.TypePuback || typ == wire.TypePubrec || typ == wire.TypePubcomp:
			// Every PUBLISH we send is ours (outbound), so every acknowledgement of one is too.
			if err := in.out.ack(typ, packet[hs:]); err != nil {
				return fmt.Errorf("reading from the broker: %w", err)
			}
			continue
		case typ == 9 || typ == 11: // SUBACK, UNSUBACK
			in.out.libraryAcked(packet[hs:])
			in.pass = append(in.pass, packet...)
			continue
		case typ != wire.TypePublish || in.onMessage == nil:
			in.pass = append(in.pass, packet...)
			continue
		}
		if err := in.dec.Publish(first, packet[hs:], &in.msg); err != nil {
			return fmt.Errorf("reading from the broker: %w", err)
		}
		in.msg.Received = in.now
		in.onMessage(&in.msg)
		in.delivered = true
		if in.msg.QoS > 0 {
			in.pass = append(in.pass, packet...) // for the library to acknowledge
		}
	}
}

// makeRoom keeps the unframed bytes at the front of a buffer that can hold a packet of size need (0 when
// the header is incomplete).
func (in *inbound) makeRoom(need int) {
	if in.r == in.w {
		in.r, in.w = 0, 0
		if len(in.buf) > inboundBuf {
			in.buf = make([]byte, inboundBuf) // one large packet does not pin its buffer for the session
		}
	}
	if need > len(in.buf) {
		nb := make([]byte, need)
		in.w = copy(nb, in.buf[in.r:in.w])
		in.buf, in.r = nb, 0
		return
	}
	if in.r > 0 && len(in.buf)-in.r < max(need, 8) {
		in.w = copy(in.buf, in.buf[in.r:in.w])
		in.r = 0
	}
}

// fill reads once from the connection, after telling the command that everything so far was delivered.
func (in *inbound) fill() {
	if in.delivered && in.onIdle != nil {
		in.delivered = false
		in.onIdle()
	}
	n, err := in.src.Read(in.buf[in.w:])
	in.w += n
	in.err = err
	in.now = time.Now()
}
