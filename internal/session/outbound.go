package session

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// outbound sends every PUBLISH itself and counts its acknowledgements; the libraries only connect,
// subscribe, keep the connection alive and acknowledge what the broker sends. Through paho a QoS 0
// message cost a token, two goroutine hand-offs and a system call; here it is a few bytes appended to a
// buffer that goes out in one write when the caller runs out of messages or the buffer fills.
//
// Packet identifiers count up from 1 as libmosquitto's do (a -d trace shows the same m1, m2, ...). SUBSCRIBE
// and UNSUBSCRIBE are sent from here too (request.go), numbered by the same counter, as in libmosquitto.
// What the library still writes (CONNECT, PINGREQ, DISCONNECT) passes through libraryWrite, which puts
// our own encoding of CONNECT and DISCONNECT in place of the library's.
type outbound struct {
	conn net.Conn // where bytes go: the connection, under writeMu
	v5   bool
	// keep holds a copy of every unacknowledged QoS 1/2 packet, to send again on a new connection
	// (reconnecting sessions only: the copy is the cost of losing nothing).
	keep    bool
	pending map[uint16]*pendingPacket
	seq     uint64

	writeMu sync.Mutex // whole packets: ours and the library's never interleave
	werr    error

	bufMu sync.Mutex
	buf   []byte

	window    *window
	maxPacket uint32
	// writeTimeout bounds a write the peer does not take (one and a half keep-alives): a stalled link
	// must end the connection even while a write is blocked, since the ping needs the same lock.
	writeTimeout time.Duration

	idMu     sync.Mutex
	state    [65536]byte // per packet id: 0 free, else what it waits for
	nextID   uint16
	requests map[uint16]*request // SUBSCRIBE and UNSUBSCRIBE awaiting their acknowledgement
	received [1024]uint64        // QoS 2 messages received whose PUBREL has not come, by id
	// onSubscribed is told each SUBACK (Options.OnEvent's Subscribed); onAck each outcome, with the
	// write times in sentAt (nil without onAck).
	onSubscribed func(id uint16, codes []byte)
	onAck        func(Ack)
	sentAt       *sendTimes
	version      byte

	// connect and disconnect are written in place of the library's CONNECT and DISCONNECT.
	connect, disconnect []byte
	// fatal is the first protocol error seen on the connection, which explains why it ended.
	fatal error
}

const (
	// MaxInflight is how many QoS 1/2 publishes can await acknowledgement at once: there are 65,535
	// identifiers, and a few are left for the library's SUBSCRIBE and UNSUBSCRIBE.
	MaxInflight = 65535 - 64

	waitPuback  = 1
	waitPubrec  = 2
	waitPubcomp = 3
	waitSuback  = 4 // a SUBSCRIBE or UNSUBSCRIBE awaiting its acknowledgement

	flushAt = 64 << 10
)

// pendingPacket is a QoS 1/2 PUBLISH awaiting acknowledgement, or, with pkt nil, a QoS 2 message whose
// PUBREL awaits its PUBCOMP.
type pendingPacket struct {
	seq uint64
	pkt []byte
}

func newOutbound(c net.Conn, v5 bool) *outbound {
	return &outbound{conn: c, v5: v5, nextID: 1}
}

// attach makes c the connection to write to. What was buffered for the old one is dropped: QoS 0 is
// at most once, and QoS 1 and 2 go again with resend.
func (o *outbound) attach(c net.Conn) {
	o.bufMu.Lock()
	o.buf = o.buf[:0]
	o.sentAt.drop()
	o.bufMu.Unlock()
	o.writeMu.Lock()
	o.conn, o.werr = c, nil
	o.writeMu.Unlock()
	o.idMu.Lock()
	for id, st := range o.state {
		if st == waitSuback { // the old connection's SUBSCRIBE will never be acknowledged
			o.state[id] = 0
		}
	}
	for id, r := range o.requests {
		r.fail(errConnectionLost)
		delete(o.requests, id)
	}
	o.fatal = nil
	o.idMu.Unlock()
}

// resend writes every unacknowledged QoS 1/2 message again, oldest first, with DUP set, and the PUBREL
// of every QoS 2 message the broker had received: what a new connection owes the broker.
func (o *outbound) resend() error {
	o.idMu.Lock()
	ids := make([]uint16, 0, len(o.pending))
	for id := range o.pending {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uint16) int { return cmp.Compare(o.pending[a].seq, o.pending[b].seq) })
	var out []byte
	for _, id := range ids {
		p := o.pending[id]
		if p.pkt == nil {
			out = wire.AppendPubrel(out, id)
			continue
		}
		p.pkt[0] |= 8 // DUP
		out = append(out, p.pkt...)
	}
	o.idMu.Unlock()
	if len(out) == 0 {
		return nil
	}
	_, err := o.write(out)
	return err
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
	if o.keep {
		return // a new connection may bring the rest; the reconnecting session decides when it is over
	}
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
	if o.writeTimeout > 0 {
		_ = o.conn.SetWriteDeadline(time.Now().Add(o.writeTimeout))
		defer o.conn.SetWriteDeadline(time.Time{})
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
	var props *message.Properties
	version, propLen := V311, 0
	if o.v5 {
		props, version, propLen = m.Props, V5, wire.PropsLen(m.Props, wire.ForPublish)
	}
	if err := checkSize(version, &topicPayload{m.Topic, m.Payload, m.QoS}, propLen, o.maxPacket); err != nil {
		return err
	}
	var id uint16
	if m.QoS > 0 {
		if !o.window.tryAcquire() {
			// The acknowledgements that would make room may be for messages still in the buffer. When the
			// connection has dropped under a reconnecting session, what the flush could not write is
			// kept and goes again on the next connection, whose acknowledgements make room: this
			// message waits for them like any other rather than being dropped uncounted.
			if err := o.flush(); err != nil && !o.keep {
				return err
			}
			if err := o.window.acquire(ctx, done); err != nil {
				return err
			}
		}
		id = o.take(m.QoS)
	}
	m.MID = id // for the caller to show (pub -v); 0 at QoS 0
	o.bufMu.Lock()
	defer o.bufMu.Unlock()
	start := len(o.buf)
	o.buf = wire.AppendPublishHeader(o.buf, o.v5, m.Topic, m.QoS, m.Retain, false, id, props, len(m.Payload))
	if id != 0 {
		o.sentAt.queue(id)
	}
	if id != 0 && o.keep {
		pkt := append(append(make([]byte, 0, len(o.buf)-start+len(m.Payload)), o.buf[start:]...), m.Payload...)
		o.idMu.Lock()
		if o.pending == nil {
			o.pending = make(map[uint16]*pendingPacket)
		}
		o.seq++
		o.pending[id] = &pendingPacket{seq: o.seq, pkt: pkt}
		o.idMu.Unlock()
	}
	if len(m.Payload) < flushAt {
		o.buf = append(o.buf, m.Payload...)
		if len(o.buf) < flushAt {
			return nil
		}
		return o.flushLocked()
	}
	// A large payload is written from where it is rather than copied.
	o.sentAt.stamp()
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
	o.sentAt.stamp()
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

// libraryWrite writes a packet of the library's: our CONNECT and DISCONNECT in place of its own.
func (o *outbound) libraryWrite(p []byte) (int, error) {
	var ours []byte
	if len(p) > 0 {
		o.idMu.Lock()
		switch p[0] >> 4 {
		case wire.TypeConnect:
			ours = o.connect
		case wire.TypeDisconnect:
			ours = o.disconnect
		}
		o.idMu.Unlock()
	}
	if ours == nil {
		return o.write(p)
	}
	_, err := o.write(ours)
	return len(p), err
}

// setDisconnect is the DISCONNECT to send in place of the library's.
func (o *outbound) setDisconnect(p []byte) {
	o.idMu.Lock()
	o.disconnect = p
	o.idMu.Unlock()
}

// fail records the first protocol error of the connection.
func (o *outbound) fail(err error) {
	o.idMu.Lock()
	if o.fatal == nil {
		o.fatal = err
	}
	o.idMu.Unlock()
}

// cause is why the connection ended: the protocol error we found, rather than what the library saw
// (a closed connection, or the error we returned to it, wrapped).
func (o *outbound) cause(err error) error {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	if o.fatal != nil {
		return o.fatal
	}
	return err
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
	if typ == wire.TypePuback && o.state[id] == waitPubrec {
		// A broker that takes QoS 2 as QoS 1 (RabbitMQ): the message may be delivered twice, or, if the
		// broker drops it, never; libmosquitto calls it a protocol error, and so does this.
		o.idMu.Unlock()
		return &ProtocolError{PubackForQoS2: true, Err: fmt.Errorf("PUBACK for the QoS 2 message %d", id)}
	}
	if o.state[id] != want {
		// libmosquitto warns and carries on; a stray acknowledgement loses nothing of ours.
		o.idMu.Unlock()
		return nil
	}
	if typ == wire.TypePubrec && !wire.Failed(reason) {
		o.state[id] = waitPubcomp
		if p := o.pending[id]; p != nil {
			p.pkt = nil // from now on, only the PUBREL is owed
		}
		o.idMu.Unlock()
		_, err := o.write(wire.AppendPubrel(make([]byte, 0, 4), id))
		return err
	}
	o.state[id] = 0
	delete(o.pending, id)
	o.idMu.Unlock()
	o.settled(id, want, reason)
	return nil
}

// settled tells OnAck the outcome of the publish id, which waited for an acknowledgement of kind waited,
// and then counts it: a drain that sees it counted finds OnAck told.
func (o *outbound) settled(id uint16, waited, reason byte) {
	refused := wire.Failed(reason)
	if o.onAck != nil {
		qos := byte(2)
		if waited == waitPuback {
			qos = 1
		}
		o.onAck(Ack{MID: id, QoS: qos, Reason: reason, Refused: refused, Latency: o.sentAt.since(id)})
	}
	if refused {
		o.window.settle(settleRefused, wire.ReasonText(reason))
	} else {
		o.window.settle(settleAcked, "")
	}
}
