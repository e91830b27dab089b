package session

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// inbound sits between the connection and the library. It reads in large blocks (both libraries read a
// fixed header a byte at a time), checks every packet, hands every PUBLISH to OnMessage itself, in order
// and on the library's reader goroutine, and acknowledges it as libmosquitto does. The library is passed
// only what it has to act on: CONNACK, PINGRESP, DISCONNECT and AUTH.
//
// This is the receive path of `mqtt sub`: a million messages cost what printing them costs, instead of
// three goroutine hand-offs and a dozen allocations each inside the libraries.
type inbound struct {
	net.Conn
	buf  []byte // buf[r:w] is read and not yet framed (readbuf.go)
	r, w int
	// small is the buffer of a quiet connection; lent, when set, is the stream buffer buf is, from
	// readBufs. filled says the last read filled buf to its end, lastRead is how much it read.
	small    []byte
	lent     *[]byte
	filled   bool
	lastRead int
	pass     []byte // whole packets for the library; it reads them with Read
	off      int    // how much of pass the library has read
	err      error  // the connection's read error, returned once pass is empty

	out       *outbound // counts the acknowledgements of what we publish, and writes
	dec       wire.Decoder
	msg       message.Message
	onMessage func(*message.Message)
	onIdle    func()
	delivered bool // a message went out since onIdle was last called
	// ack is the PUBACK, PUBREC or PUBCOMP being written.
	ack [4]byte
	// maxPacket is the largest packet we said we take (CONNECT's maximum-packet-size); 0 for any.
	maxPacket int
	connected bool // the CONNACK has come
	trace     *traceConn

	src io.Reader // the connection, or a batchReader over it
	now time.Time // when the bytes in buf arrived

	// waiting is set while the reader waits on the connection, for the keep-alive (pinger.busy), and
	// onPingresp is told each PINGRESP when the keep-alive is ours (3.1.1).
	waiting    atomic.Bool
	onPingresp func()
	// hold is the connection's hold on our writes (outbound.attach), released at the CONNACK.
	hold chan struct{}
}

func newInbound(c net.Conn, opts Options, out *outbound) *inbound {
	in := &inbound{
		Conn: c, out: out, dec: wire.Decoder{V5: opts.Version == V5},
		onMessage: opts.OnMessage, onIdle: opts.OnIdle, src: c,
	}
	in.useSmall()
	if opts.Version == V5 && opts.ConnectProps != nil && opts.ConnectProps.MaximumPacketSize != nil {
		in.maxPacket = int(*opts.ConnectProps.MaximumPacketSize)
	}
	if t, ok := c.(*traceConn); ok {
		in.trace = t
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
			in.out.fail(err)
			in.releaseWrites() // to fail on the connection, rather than wait for a CONNACK that cannot come
			in.out.readerStopped()
			return 0, err
		}
		if len(in.pass) > 0 {
			continue
		}
		if in.err != nil {
			if !in.connected {
				in.out.fail(&HangupError{Version: in.out.version, MaxPacket: in.maxPacket, Err: in.err})
			}
			in.releaseWrites()
			in.out.readerStopped()
			return 0, in.err
		}
		in.err = in.fill()
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
			return &ProtocolError{Err: err}
		}
		if hs > 0 && in.maxPacket > 0 && hs+remaining > in.maxPacket {
			return &ProtocolError{Limit: in.maxPacket, Size: hs + remaining,
				Err: fmt.Errorf("a %d-byte packet, larger than the maximum packet size of %d", hs+remaining, in.maxPacket)}
		}
		if hs == 0 || len(b) < hs+remaining {
			in.makeRoom(hs + remaining)
			return nil
		}
		packet := b[:hs+remaining]
		in.r += len(packet)
		if err := in.handle(first, packet, packet[hs:]); err != nil {
			var pe *ProtocolError
			var ce *ConnectError
			if !errors.As(err, &pe) && !errors.As(err, &ce) {
				err = &ProtocolError{Err: err}
			}
			return err
		}
	}
}

// handle checks one packet from the broker and acts on it, as libmosquitto's read_handle.c does.
func (in *inbound) handle(first byte, packet, body []byte) error {
	typ := first >> 4
	if typ != wire.TypePublish {
		if err := in.checkFlags(first); err != nil {
			return err
		}
		in.traced(first, body)
	}
	switch typ {
	case wire.TypePublish:
		return in.publish(first, body)
	case wire.TypePuback, wire.TypePubrec, wire.TypePubcomp:
		// Every PUBLISH we send is ours (outbound), so every acknowledgement of one is too.
		return in.out.ack(typ, body)
	case wire.TypePubrel:
		id, _, err := wire.Ack(body)
		if err != nil {
			return err
		}
		in.out.releaseReceived(id)
		in.owe(wire.TypePubcomp, id)
		return nil
	case wire.TypeSuback, wire.TypeUnsuback:
		return in.out.requestAcked(typ, body)
	case wire.TypeConnack:
		if in.connected {
			return fmt.Errorf("a second CONNACK")
		}
		in.connected = true
		if err := in.checkConnack(body); err != nil {
			return err
		}
		in.releaseWrites()
		in.out.sessionStarted(body[0]&1 != 0)
	case wire.TypePingresp:
		if in.onPingresp != nil {
			in.onPingresp()
		}
	case wire.TypeDisconnect:
	case wire.TypeAuth:
		if !in.dec.V5 {
			return fmt.Errorf("an AUTH packet on MQTT 3")
		}
	default:
		return fmt.Errorf("a %s packet, which only a client sends", packetName(typ))
	}
	in.pass = append(in.pass, packet...)
	return nil
}

// checkFlags refuses the reserved flags of a fixed header set otherwise than MQTT says (0, and 2 for
// PUBREL); MQTT 3.1 did not fix them.
func (in *inbound) checkFlags(first byte) error {
	want := byte(0)
	if first>>4 == wire.TypePubrel {
		want = 2
	}
	if first&15 != want && in.out.version != V31 {
		return fmt.Errorf("a %s packet with flags %#x", packetName(first>>4), first&15)
	}
	return nil
}

// checkConnack turns a v3 "unacceptable protocol version" CONNACK to our v5 CONNECT (what a broker that
// speaks only 3.1.1 answers, without the v5 property length) into the refusal libmosquitto reports.
func (in *inbound) checkConnack(body []byte) error {
	if len(body) < 2 {
		return fmt.Errorf("a CONNACK of %d bytes", len(body))
	}
	if in.dec.V5 && len(body) == 2 && body[1] == 1 {
		return &ConnectError{Version: V5, Code: wire.ReasonUnsupportedProtocol}
	}
	return nil
}

// publish decodes and delivers a PUBLISH, and owes its acknowledgement. A QoS 2 message already
// delivered and awaiting its PUBREL is not delivered again when it comes again (receiveQoS2).
func (in *inbound) publish(first byte, body []byte) error {
	if err := in.dec.Publish(first, body, &in.msg); err != nil {
		return err
	}
	m := &in.msg
	in.traced(first, body)
	switch m.QoS {
	case 1:
		in.owe(wire.TypePuback, m.MID)
	case 2:
		again := !in.out.receiveQoS2(m.MID, m.Dup)
		in.owe(wire.TypePubrec, m.MID)
		if again {
			return nil
		}
	}
	if in.onMessage == nil {
		return nil
	}
	m.Received = in.now
	in.onMessage(m)
	in.delivered = true
	return nil
}

// owe writes an acknowledgement in the short form libmosquitto writes, and when it does: before the
// message is delivered, so that one that ends the run (-C) is acknowledged before the DISCONNECT, and a
// trace reads as mosquitto's (received PUBLISH, sending PUBACK, then the message). A write that fails
// ends the connection anyway; the reader learns of it with its next read.
func (in *inbound) owe(typ byte, id uint16) {
	in.ack = [4]byte{typ << 4, 2, byte(id >> 8), byte(id)}
	_, _ = in.out.write(in.ack[:])
}

func (in *inbound) traced(first byte, body []byte) {
	if in.trace != nil {
		in.trace.received(first, body)
	}
}

// fill reads once from the connection, after telling the command that everything so far was delivered.
func (in *inbound) fill() error {
	if in.delivered && in.onIdle != nil {
		in.delivered = false
		in.onIdle()
	}
	in.waiting.Store(true)
	n, err := in.src.Read(in.buf[in.w:])
	in.waiting.Store(false)
	in.w += n
	in.filled, in.lastRead = in.w == len(in.buf), n
	in.now = time.Now()
	return err
}

func (in *inbound) releaseWrites() {
	if in.hold != nil {
		in.out.release(in.hold)
		in.hold = nil
	}
}

// busy says the reader is not waiting on the connection: what it has read may hold the PINGRESP.
func (in *inbound) busy() bool { return !in.waiting.Load() }

func packetName(typ byte) string { return packetNames[typ&15] }
