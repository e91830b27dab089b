package broker

import (
	"bytes"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"

	"github.com/mochi-mqtt/server/v2/packets"
)

// flowConn is a client's connection as mochi writes to it. It holds back the QoS 1 and 2 PUBLISH
// packets past the client's window and sends them as the client acknowledges earlier ones, as
// mosquitto does: the window is the receive maximum an MQTT 5 client sets, else
// max_inflight_messages. Past the window, it keeps at most maxQueued of them, and hands the rest
// to drop.
//
// It also holds back any PUBLISH written before the CONNACK: mochi makes a resumed session's new
// client known to publishers before it writes the CONNACK, and a message for it could go first.
// And, on a resumed session, it keeps the order while mochi resends the session's messages: a new
// QoS 1 or 2 message written meanwhile waits until the resends are done (resent), and is not sent
// at all if mochi resent it (a message a publisher gave the client just before mochi listed what
// to resend is in both).
//
// It works on the bytes mochi writes because that is the one place every PUBLISH to a client
// passes, the resends of a resumed session included, and the one place a write can be held back
// without mochi's help: mochi's own flow control is switched off (see delivery), being broken.
type flowConn struct {
	net.Conn
	// window is how many QoS 1 and 2 messages may be in flight; 0, for a client without one,
	// lets every packet through untouched once the CONNACK is written.
	window atomic.Int32
	// ready is set once the CONNACK is written, and a resumed session's messages resent.
	ready atomic.Bool

	mu sync.Mutex
	// maxQueued is how many messages may wait past the window; negative is no limit.
	maxQueued int
	// drop is told of each message past maxQueued, whose bytes are gone; it runs without mu held.
	drop func(packetID uint16)
	// inflight holds the packet identifiers sent and not yet acknowledged.
	inflight map[uint16]struct{}
	// held are the packets past the window, in the order mochi wrote them.
	held [][]byte
	// early are the PUBLISH packets written before the CONNACK.
	early [][]byte
	// connacked is set once the CONNACK is written; resuming, from a CONNACK that resumes a session
	// until mochi has resent its messages.
	connacked, resuming bool
	// fresh are the new QoS 1 and 2 PUBLISH packets written while resuming, in order; resends, a
	// digest of each message mochi resent meanwhile, by packet identifier.
	fresh   [][]byte
	resends map[uint16]uint64
	// listed counts the resends mochi listed, seen those written; allListed is set once mochi has
	// listed them all.
	listed, seen int
	allListed    bool
	// numbering is set from the CONNACK that resumes a session until mochi has listed what to
	// resend; while it is, lastNumber is the last creation time given to a message (see resume).
	numbering  atomic.Bool
	lastNumber int64
	// partial is the start of a packet whose end the next Write brings.
	partial []byte
	// dropped collects, during a Write, the identifiers for drop.
	dropped []uint16
	// out gathers the packets acknowledgements release, for one write.
	out []byte
}

func newFlowConn(c net.Conn) *flowConn { return &flowConn{Conn: c, maxQueued: -1} }

// limit sets the window and the queue past it, before the CONNACK is written.
func (c *flowConn) limit(window, maxQueued int, drop func(packetID uint16)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maxQueued, c.drop = maxQueued, drop
	if window > 0 {
		c.inflight = make(map[uint16]struct{}, min(window, 1024))
		c.window.Store(int32(min(window, 65535)))
	}
}

// ConnectionState is the TLS state of the connection underneath, for use_identity_as_username.
func (c *flowConn) ConnectionState() tls.ConnectionState {
	if t, ok := c.Conn.(interface{ ConnectionState() tls.ConnectionState }); ok {
		return t.ConnectionState()
	}
	return tls.ConnectionState{}
}

func (c *flowConn) Write(p []byte) (int, error) {
	if c.window.Load() == 0 && c.ready.Load() {
		return c.Conn.Write(p)
	}
	c.mu.Lock()
	n, err := c.writeLocked(p)
	dropped, drop := c.dropped, c.drop
	c.dropped = c.dropped[:0]
	c.mu.Unlock()
	for _, id := range dropped {
		drop(id)
	}
	return n, err
}

func (c *flowConn) writeLocked(p []byte) (int, error) {
	b := p
	if len(c.partial) > 0 {
		b = append(c.partial, p...)
		c.partial = nil
	}
	start, off := 0, 0 // b[start:off] is passed on as it is
	for off < len(b) {
		size := packetSize(b[off:])
		if size < 0 {
			// Not MQTT as mochi writes it: stop looking, rather than hold bytes for ever.
			c.window.Store(0)
			c.connacked, c.resuming, c.fresh = true, false, nil
			c.ready.Store(true)
			off = len(b)
			break
		}
		if size == 0 || off+size > len(b) {
			break
		}
		pkt := b[off : off+size]
		switch {
		case !c.connacked && pkt[0]>>4 == packets.Connack:
			if err := c.pass(b[start : off+size]); err != nil {
				return 0, err
			}
			start = off + size
			if err := c.connack(sessionPresent(pkt)); err != nil {
				return 0, err
			}
		case !c.connacked && pkt[0]>>4 == packets.Publish:
			if err := c.pass(b[start:off]); err != nil {
				return 0, err
			}
			c.early = append(c.early, bytes.Clone(pkt))
			start = off + size
		case c.resuming && c.holdsFresh(pkt):
			if err := c.pass(b[start:off]); err != nil {
				return 0, err
			}
			start = off + size
		case c.holds(pkt):
			if err := c.pass(b[start:off]); err != nil {
				return 0, err
			}
			start = off + size
		}
		off += size
	}
	if off < len(b) {
		c.partial = bytes.Clone(b[off:])
	}
	if err := c.pass(b[start:off]); err != nil {
		return 0, err
	}
	c.endResume()
	return len(p), nil
}

// connack sends what was written before the CONNACK, now that it is written; on a resumed session,
// its new QoS 1 and 2 messages wait for the resends.
func (c *flowConn) connack(resumed bool) error {
	c.connacked, c.resuming = true, resumed
	if resumed {
		c.resends = map[uint16]uint64{}
	} else {
		c.ready.Store(true)
	}
	early := c.early
	c.early = nil
	for _, pkt := range early {
		if c.resuming && c.holdsFresh(pkt) {
			continue
		}
		if !c.holds(pkt) {
			if err := c.pass(pkt); err != nil {
				return err
			}
		}
	}
	return nil
}

// holdsFresh, while resuming, keeps a new QoS 1 or 2 PUBLISH for later, and notes a resend.
func (c *flowConn) holdsFresh(pkt []byte) bool {
	id, dup, ok := publishID(pkt)
	switch {
	case !ok:
		return false
	case dup:
		c.resends[id] = digest(pkt)
		c.seen++
		return false
	}
	c.fresh = append(c.fresh, bytes.Clone(pkt))
	return true
}

// resume, as mochi encodes the CONNACK that resumes a session, runs number (which numbers the
// session's messages in the order mochi is to resend them, and says how many) and numbers after
// them what nextNumber is asked for until the resends are done. The lock makes a message put in
// the session after number looked wait for its number.
func (c *flowConn) resume(number func() int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.numbering.Store(true)
	c.lastNumber = int64(number())
}

func (c *flowConn) nextNumber() (int64, bool) {
	if !c.numbering.Load() {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.numbering.Load() {
		return 0, false
	}
	c.lastNumber++
	return c.lastNumber, true
}

// resent is mochi done listing a resumed session's messages for resending, each told to
// resendListed first. They may not all have been written yet (mochi buffers writes while more are
// queued): once they have, the new ones written meanwhile follow, but for those it resent.
func (c *flowConn) resent() {
	c.mu.Lock()
	c.numbering.Store(false)
	c.allListed = true
	c.endResume()
	dropped, drop := c.dropped, c.drop
	c.dropped = nil
	c.mu.Unlock()
	for _, id := range dropped {
		drop(id)
	}
}

func (c *flowConn) resendListed() {
	c.mu.Lock()
	c.listed++
	c.mu.Unlock()
}

// endResume ends the resumed session's resends once all are listed and written.
func (c *flowConn) endResume() {
	if !c.resuming || !c.allListed || c.seen < c.listed {
		return
	}
	c.resuming = false
	fresh, resends := c.fresh, c.resends
	c.fresh, c.resends = nil, nil
	c.out = c.out[:0]
	for _, pkt := range fresh {
		id, _, _ := publishID(pkt)
		if d, ok := resends[id]; ok && d == digest(pkt) {
			continue
		}
		if !c.holds(pkt) {
			c.out = append(c.out, pkt...)
		}
	}
	_ = c.pass(c.out) // an error is the connection's end, which mochi sees on its next read or write
	c.ready.Store(true)
}

func (c *flowConn) pass(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	_, err := c.Conn.Write(b)
	return err
}

// holds decides for one packet: false sends it now (counting it in flight when it is a QoS 1 or 2
// PUBLISH), true keeps it (or drops it, past maxQueued) in place of sending it.
func (c *flowConn) holds(pkt []byte) bool {
	if c.window.Load() == 0 {
		return false
	}
	id, dup, ok := publishID(pkt)
	if !ok {
		return false
	}
	_, sent := c.inflight[id]
	switch {
	case sent && dup:
		return false // a resend of a message in flight
	case !sent && len(c.held) == 0 && len(c.inflight) < int(c.window.Load()):
		c.inflight[id] = struct{}{}
		return false
	case !dup && c.maxQueued >= 0 && len(c.held) >= c.maxQueued:
		c.dropped = append(c.dropped, id)
	default:
		c.held = append(c.held, bytes.Clone(pkt))
	}
	return true
}

// acked frees the window of the message with packetID (a PUBACK, a PUBCOMP or a PUBREC refusing
// it), and sends what then fits of the messages held.
func (c *flowConn) acked(packetID uint16) {
	if c.window.Load() == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.inflight[packetID]; !ok {
		return
	}
	delete(c.inflight, packetID)
	window := int(c.window.Load())
	c.out = c.out[:0]
	for len(c.held) > 0 && len(c.inflight) < window {
		pkt := c.held[0]
		id, _, _ := publishID(pkt)
		if _, sent := c.inflight[id]; sent {
			break // the identifier is in use still: this one waits for its acknowledgement
		}
		c.inflight[id] = struct{}{}
		c.out = append(c.out, pkt...)
		c.held[0] = nil
		c.held = c.held[1:]
	}
	// An error is the connection's end, which mochi sees on its next read or write.
	_ = c.pass(c.out)
}

// forget drops a held message mochi no longer has (expired, or its session ended).
func (c *flowConn) forget(packetID uint16) {
	if c.window.Load() == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, pkt := range c.held {
		if id, _, _ := publishID(pkt); id == packetID {
			c.held = append(c.held[:i], c.held[i+1:]...)
			return
		}
	}
}

// packetSize is the length of the MQTT packet b starts with, header included: 0 when b does not
// hold its fixed header yet, -1 when the remaining length is malformed.
func packetSize(b []byte) int {
	remaining, shift := 0, 0
	for i := 1; i < len(b); i++ {
		if i > 4 {
			return -1
		}
		remaining |= int(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return 1 + i + remaining
		}
		shift += 7
	}
	return 0
}

// bodyStart is where a whole packet's variable header starts, past its fixed header.
func bodyStart(pkt []byte) int {
	body := 1
	for pkt[body]&0x80 != 0 {
		body++
	}
	return body + 1
}

// sessionPresent reads a whole CONNACK's flag.
func sessionPresent(pkt []byte) bool {
	body := bodyStart(pkt)
	return len(pkt) > body && pkt[body]&1 != 0
}

// digest identifies a PUBLISH whatever its DUP flag (FNV-1a).
func digest(pkt []byte) uint64 {
	h := uint64(14695981039346656037)
	for i, b := range pkt {
		if i == 0 {
			b &^= 0x08
		}
		h = (h ^ uint64(b)) * 1099511628211
	}
	return h
}

// publishID reads a whole packet: ok when it is a QoS 1 or 2 PUBLISH, with its packet identifier
// and DUP flag.
func publishID(pkt []byte) (id uint16, dup, ok bool) {
	if pkt[0]>>4 != 3 || pkt[0]&0x06 == 0 {
		return 0, false, false
	}
	body := bodyStart(pkt)
	if len(pkt) < body+2 {
		return 0, false, false
	}
	at := body + 2 + (int(pkt[body])<<8 | int(pkt[body+1]))
	if len(pkt) < at+2 {
		return 0, false, false
	}
	return uint16(pkt[at])<<8 | uint16(pkt[at+1]), pkt[0]&0x08 != 0, true
}
