package session

import "sync"

// packetConn is for paho.golang, which writes a packet as several Write calls between Lock and Unlock
// when the connection is a sync.Locker. Collecting them and writing once on Unlock makes one system
// call per packet instead of four, and keeps packets from interleaving on TLS and WebSocket connections,
// which are not safe for concurrent partial writes.
type packetConn struct {
	*inbound
	mu  sync.Mutex
	buf []byte
	err error
}

func newPacketConn(c *inbound) *packetConn {
	return &packetConn{inbound: c}
}

func (c *packetConn) Lock() { c.mu.Lock() }

func (c *packetConn) Unlock() {
	if len(c.buf) > 0 && c.err == nil {
		_, c.err = c.inbound.Write(c.buf)
	}
	if cap(c.buf) > 1<<20 {
		c.buf = nil // do not keep a huge payload's buffer for the life of the session
	} else {
		c.buf = c.buf[:0]
	}
	c.mu.Unlock()
}

// Write must be called with the lock held; paho.golang writes every packet that way.
func (c *packetConn) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}
