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
	// held, while a new connection waits for its CONNACK, holds our writes (not the library's, whose
	// CONNECT goes first): what a publisher had under way when the old connection dropped must not
	// reach the broker before the CONNECT. Closed by release.
	held chan struct{}

	bufMu sync.Mutex
	buf   *[]byte // what publish has encoded and not yet written: from writeBufs, for one burst

	window    *window
	maxPacket uint32
	// writeTimeout bounds a write the peer does not take (one and a half keep-alives): a stalled link
	// must end the connection even while a write is blocked, since the ping needs the same lock.
	writeTimeout time.Duration

	idMu     sync.Mutex
	state    idTable // what each packet identifier in use waits for
	nextID   uint16
	requests map[uint16]*request // SUBSCRIBE and UNSUBSCRIBE awaiting their acknowledgement
	received idTable             // QoS 2 messages received whose PUBREL has not come
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

// writeBufs lends publish its buffer for a burst of messages, and takes it back with the flush that
// ends the burst: an idle session holds no write buffer, and a busy one gets the same buffer back
// from the pool (one per P) without allocating. Shared by every session of the process, as it is
// only a cache of free memory.
var writeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2*flushAt); return &b }}

// pendingPacket is a QoS 1/2 PUBLISH awaiting acknowledgement, or, released, a QoS 2 message whose
// PUBREL awaits its PUBCOMP. The PUBLISH is kept after its PUBREC for a broker that comes back
// without the session: it has lost the message with it, and only the PUBLISH delivers it.
type pendingPacket struct {
	seq      uint64
	pkt      []byte
	released bool
}

func newOutbound(c net.Conn, v5 bool) *outbound {
	return &outbound{conn: c, v5: v5, nextID: 1}
}

// attach makes c the connection to write to, holding our writes until release(hold): the reader of
// c releases them at its CONNACK, or when it stops. What was buffered for the old connection is
// dropped: QoS 0 is at most once, and QoS 1 and 2 go again with resend.
func (o *outbound) attach(c net.Conn) (hold chan struct{}) {
	hold = make(chan struct{})
	o.bufMu.Lock()
	o.putBuf()
	o.sentAt.drop()
	o.bufMu.Unlock()
	o.writeMu.Lock()
	if o.held != nil {
		close(o.held) // the connection it was for is given up: its waiters wait for this one
	}
	o.conn, o.werr, o.held = c, nil, hold
	o.writeMu.Unlock()
	o.idMu.Lock()
	// The old connection's SUBSCRIBE and UNSUBSCRIBE will never be acknowledged.
	o.state.deleteIf(func(wait byte) bool { return wait == waitSuback })
	for id, r := range o.requests {
		r.fail(errConnectionLost)
		delete(o.requests, id)
	}
	o.fatal = nil
	o.idMu.Unlock()
	return hold
}

// release lets our writes through to the connection hold was made for (attach), if it is still
// held; nil releases whatever is (the connection failed before its CONNACK: the writes fail on it).
func (o *outbound) release(hold chan struct{}) {
	o.writeMu.Lock()
	if o.held != nil && (hold == nil || o.held == hold) {
		close(o.held)
		o.held = nil
	}
	o.writeMu.Unlock()
}

// resend writes every unacknowledged QoS 1/2 message again, oldest first, with DUP set, and the PUBREL
// of every QoS 2 message the broker had received: what a new connection owes the broker. When the broker
// kept no session (sessionPresent false), the QoS 2 messages it had received went with it, unreleased
// (mosquitto forwards a QoS 2 message on its PUBREL): they are published again instead, where a PUBREL
// would be answered with a PUBCOMP for a message that is gone, and counted as delivered.
func (o *outbound) resend(sessionPresent bool) error {
	o.idMu.Lock()
	ids := make([]uint16, 0, len(o.pending))
	for id := range o.pending {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uint16) int { return cmp.Compare(o.pending[a].seq, o.pending[b].seq) })
	var out []byte
	for _, id := range ids {
		p := o.pending[id]
		if p.released && sessionPresent {
			out = wire.AppendPubrel(out, id)
			continue
		}
		if p.released {
			p.released = false
			o.state.set(id, waitPubrec)
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

// write sends one or more whole packets of ours, once the connection has its CONNACK.
func (o *outbound) write(p ...[]byte) (int, error) {
	o.writeMu.Lock()
	for o.held != nil {
		hold := o.held
		o.writeMu.Unlock()
		<-hold
		o.writeMu.Lock()
	}
	defer o.writeMu.Unlock()
	return o.writeLocked(p...)
}

// writeLocked writes, with writeMu held.
func (o *outbound) writeLocked(p ...[]byte) (int, error) {
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
	if o.buf == nil {
		o.buf = writeBufs.Get().(*[]byte)
	}
	buf := o.buf
	start := len(*buf)
	*buf = wire.AppendPublishHeader(*buf, o.v5, m.Topic, m.QoS, m.Retain, false, id, props, len(m.Payload))
	if id != 0 {
		o.sentAt.queue(id)
	}
	if id != 0 && o.keep {
		pkt := append(append(make([]byte, 0, len(*buf)-start+len(m.Payload)), (*buf)[start:]...), m.Payload...)
		o.idMu.Lock()
		if o.pending == nil {
			o.pending = make(map[uint16]*pendingPacket)
		}
		o.seq++
		o.pending[id] = &pendingPacket{seq: o.seq, pkt: pkt}
		o.idMu.Unlock()
	}
	if len(m.Payload) < flushAt {
		*buf = append(*buf, m.Payload...)
		if len(*buf) < flushAt {
			return nil
		}
		return o.flushLocked()
	}
	// A large payload is written from where it is rather than copied.
	o.sentAt.stamp()
	_, err := o.write(*buf, m.Payload)
	o.putBuf()
	return err
}

// flush writes what publish buffered.
func (o *outbound) flush() error {
	o.bufMu.Lock()
	defer o.bufMu.Unlock()
	return o.flushLocked()
}

func (o *outbound) flushLocked() error {
	if o.buf == nil {
		return nil
	}
	var err error
	if len(*o.buf) > 0 {
		o.sentAt.stamp()
		_, err = o.write(*o.buf)
	}
	o.putBuf()
	return err
}

// putBuf gives the write buffer back to the pool, emptied; one that grew large for a message's
// properties is left to the collector rather than kept for every burst after.
func (o *outbound) putBuf() {
	if o.buf == nil {
		return
	}
	if cap(*o.buf) <= 4*flushAt {
		*o.buf = (*o.buf)[:0]
		writeBufs.Put(o.buf)
	}
	o.buf = nil
}

// take returns a free identifier for a message of this QoS; the window guarantees there is one.
func (o *outbound) take(qos byte) uint16 {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	wait := byte(waitPuback)
	if qos == 2 {
		wait = waitPubrec
	}
	return o.takeLocked(wait)
}

// takeLocked returns the next identifier not in use, marked as waiting for wait.
func (o *outbound) takeLocked(wait byte) uint16 {
	for o.state.get(o.nextID) != 0 {
		o.next()
	}
	id := o.nextID
	o.state.set(id, wait)
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
	// Not held (write): the CONNECT is what the hold waits behind.
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	if ours == nil {
		return o.writeLocked(p)
	}
	_, err := o.writeLocked(ours)
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
	st := o.state.get(id)
	if typ == wire.TypePuback && st == waitPubrec {
		// A broker that takes QoS 2 as QoS 1 (RabbitMQ): the message may be delivered twice, or, if the
		// broker drops it, never; libmosquitto calls it a protocol error, and so does this.
		o.idMu.Unlock()
		return &ProtocolError{PubackForQoS2: true, Err: fmt.Errorf("PUBACK for the QoS 2 message %d", id)}
	}
	if st != want {
		// libmosquitto warns and carries on; a stray acknowledgement loses nothing of ours.
		o.idMu.Unlock()
		return nil
	}
	if typ == wire.TypePubrec && !wire.Failed(reason) {
		o.state.set(id, waitPubcomp)
		if p := o.pending[id]; p != nil {
			p.released = true // from now on, the PUBREL is owed
		}
		o.idMu.Unlock()
		// A PUBREL the connection cannot take is owed on the next one (resend), as the connection is
		// lost: the reader learns of it with its next read, as of a failed acknowledgement (owe). It is
		// no protocol error, which would end a reconnecting session for good.
		_, _ = o.write(wire.AppendPubrel(make([]byte, 0, 4), id))
		return nil
	}
	o.state.del(id)
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
