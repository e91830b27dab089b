package session

import (
	"context"
	"net"
	"sync"

	"github.com/eclipse/paho.golang/packets"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// outbound sends every PUBLISH itself and counts its acknowledgements; the libraries only connect,
// subscribe, keep the connection alive and acknowledge what the broker sends. Through paho a QoS 0
// message cost a token, two goroutine hand-offs and a system call; here it is a few bytes appended to a
// buffer that goes out in one write when the caller runs out of messages or the buffer fills.
//
// Packet identifiers count up from 1 as libmosquitto's do (a -d trace shows the same m1, m2, ...). The
// library's SUBSCRIBE and UNSUBSCRIBE pass through here, so their identifiers are skipped while in use
// and the count moves past them, as in libmosquitto, where one counter numbers every packet.
type outbound struct {
	conn net.Conn // where bytes go: the connection, under writeMu
	v5   bool

	writeMu sync.Mutex // whole packets: ours and the library's never interleave
	werr    error

	bufMu sync.Mutex
	buf   []byte

	window    *window
	maxPacket uint32

	idMu   sync.Mutex
	state  [65536]byte // per packet id: 0 free, else what it waits for
	nextID uint16
}

const (
	// MaxInflight is how many QoS 1/2 publishes can await acknowledgement at once: there are 65,535
	// identifiers, and a few are left for the library's SUBSCRIBE and UNSUBSCRIBE.
	MaxInflight = 65535 - 64

	waitPuback  = 1
	waitPubrec  = 2
	waitPubcomp = 3
	libraryUse  = 4 // a SUBSCRIBE or UNSUBSCRIBE awaiting its acknowledgement

	flushAt = 64 << 10
)

func newOutbound(c net.Conn, v5 bool) *outbound {
	return &outbound{conn: c, v5: v5, nextID: 1}
}

// start opens the window once the CONNACK has said what the broker takes.
func (o *outbound) start(limit int, maxPacket uint32) {
	o.maxPacket = maxPacket
	w := newWindow(min(limit, MaxInflight))
	o.idMu.Lock()
	o.window = w
	o.idMu.Unlock()
}

// readerStopped is called once the connection can deliver no more acknowledgements, so that a drain
// counts what did arrive and stops waiting for the rest.
func (o *outbound) readerStopped() {
	o.idMu.Lock()
	w := o.window
	o.idMu.Unlock()
	if w != nil {
		w.finishOnce.Do(w.finish)
	}
}

// write sends one or more whole packets for the library or for us.
func (o *outbound) write(p ...[]byte) (int, error) {
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	if o.werr != nil {
		return 0, o.werr
	}
	var n int64
	if len(p) == 1 {
		w, err := o.conn.Write(p[0])
		n, o.werr = int64(w), err
	} else {
		bufs := net.Buffers(p)
		n, o.werr = bufs.WriteTo(o.conn)
	}
	return int(n), o.werr
}

// publish encodes m into the buffer, taking a window slot and an identifier for QoS 1 and 2.
func (o *outbound) publish(ctx context.Context, m *message.Message, done <-chan struct{}) error {
	var props []byte
	if o.v5 && m.Props != nil {
		props = toPacket(m.Props).Pack(packets.PUBLISH)
	}
	version := V311
	if o.v5 {
		version = V5
	}
	if err := checkSize(version, &topicPayload{m.Topic, m.Payload, m.QoS}, len(props), o.maxPacket); err != nil {
		return err
	}
	var id uint16
	if m.QoS > 0 {
		if !o.window.tryAcquire() {
			// The acknowledgements that would make room may be for messages still in the buffer.
			if err := o.flush(); err != nil {
				return err
			}
			if err := o.window.acquire(ctx, done); err != nil {
				return err
			}
		}
		id = o.take(m.QoS)
	}
	o.bufMu.Lock()
	defer o.bufMu.Unlock()
	o.buf = wire.AppendPublishHeader(o.buf, o.v5, m.Topic, m.QoS, m.Retain, false, id, props, len(m.Payload))
	if len(m.Payload) < flushAt {
		o.buf = append(o.buf, m.Payload...)
		if len(o.buf) < flushAt {
			return nil
		}
		return o.flushLocked()
	}
	// A large payload is written from where it is rather than copied.
	_, err := o.write(o.buf, m.Payload)
	o.buf = o.buf[:0]
	return err
}

// flush writes what publish buffered.
func (o *outbound) flush() error {
	o.bufMu.Lock()
	defer o.bufMu.Unlock()
	return o.flushLocked()
}

func (o *outbound) flushLocked() error {
	if len(o.buf) == 0 {
		return nil
	}
	_, err := o.write(o.buf)
	if cap(o.buf) > 4*flushAt {
		o.buf = nil
	} else {
		o.buf = o.buf[:0]
	}
	return err
}

// take returns a free identifier for a message of this QoS; the window guarantees there is one.
func (o *outbound) take(qos byte) uint16 {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	for o.state[o.nextID] != 0 {
		o.next()
	}
	id := o.nextID
	o.state[id] = waitPuback
	if qos == 2 {
		o.state[id] = waitPubrec
	}
	o.next()
	return id
}

func (o *outbound) next() {
	o.nextID++
	if o.nextID == 0 {
		o.nextID = 1
	}
}

// libraryWrite writes a packet of the library's, noting the identifier of a SUBSCRIBE or UNSUBSCRIBE.
func (o *outbound) libraryWrite(p []byte) (int, error) {
	if len(p) > 0 && (p[0]>>4 == 8 || p[0]>>4 == 10) {
		if _, _, hs, err := wire.Header(p); err == nil && hs > 0 && len(p) >= hs+2 {
			id := uint16(p[hs])<<8 | uint16(p[hs+1])
			o.idMu.Lock()
			if o.state[id] == 0 {
				o.state[id] = libraryUse
			}
			if id >= o.nextID {
				o.nextID = id
				o.next()
			}
			o.idMu.Unlock()
		}
	}
	return o.write(p)
}

// libraryAcked frees the identifier of a SUBSCRIBE or UNSUBSCRIBE once its acknowledgement arrives.
func (o *outbound) libraryAcked(body []byte) {
	if len(body) < 2 {
		return
	}
	id := uint16(body[0])<<8 | uint16(body[1])
	o.idMu.Lock()
	if o.state[id] == libraryUse {
		o.state[id] = 0
	}
	o.idMu.Unlock()
}

// ack handles a PUBACK, PUBREC or PUBCOMP from the broker, on the reader.
func (o *outbound) ack(typ byte, body []byte) error {
	id, reason, err := wire.Ack(body)
	if err != nil {
		return err
	}
	want := byte(waitPubcomp)
	switch typ {
	case wire.TypePuback:
		want = waitPuback
	case wire.TypePubrec:
		want = waitPubrec
	}
	o.idMu.Lock()
	if o.state[id] != want {
		// libmosquitto warns and carries on; a stray acknowledgement loses nothing of ours.
		o.idMu.Unlock()
		return nil
	}
	if typ == wire.TypePubrec && reason < 0x80 {
		o.state[id] = waitPubcomp
		o.idMu.Unlock()
		_, err := o.write(wire.AppendPubrel(make([]byte, 0, 4), id))
		return err
	}
	o.state[id] = 0
	o.idMu.Unlock()
	if reason >= 0x80 {
		o.window.settle(settleRefused, ReasonText(reason))
	} else {
		o.window.settle(settleAcked, "")
	}
	return nil
}
