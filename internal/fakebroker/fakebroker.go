// Package fakebroker is a scripted MQTT server for tests: it listens on loopback, records every packet a
// client sends as the bytes it sent, and answers as a script says, which may be what no real broker
// does (a malformed packet, a PUBACK for a QoS 2 PUBLISH, a close instead of a CONNACK, silence).
package fakebroker

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Script runs one client connection. It returns when it is done with the connection, which is then
// closed.
type Script func(c *Conn)

// Broker is a fake broker listening on 127.0.0.1.
type Broker struct {
	// Addr is host:port; Port is the port alone.
	Addr string
	Port int

	ln     net.Listener
	script Script
	wg     sync.WaitGroup

	mu      sync.Mutex
	conns   []*Conn
	packets []Packet
	changed chan struct{} // closed and replaced whenever a packet is recorded or a connection ends
	closed  bool
}

// Start listens on a free loopback port and runs script for every connection, until the test ends.
func Start(tb testing.TB, script Script) *Broker {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	b := &Broker{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, ln: ln, script: script,
		changed: make(chan struct{})}
	b.wg.Add(1)
	go b.accept()
	tb.Cleanup(b.Close)
	return b
}

// PortString is Port for a command line.
func (b *Broker) PortString() string { return strconv.Itoa(b.Port) }

func (b *Broker) accept() {
	defer b.wg.Done()
	for n := 1; ; n++ {
		nc, err := b.ln.Accept()
		if err != nil {
			return
		}
		c := &Conn{Conn: nc, N: n, b: b}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			nc.Close()
			return
		}
		b.conns = append(b.conns, c)
		b.mu.Unlock()
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			b.script(c)
			c.Close()
			b.mu.Lock()
			c.ended = true
			b.notifyLocked()
			b.mu.Unlock()
		}()
	}
}

// Close stops listening, closes every connection and waits for the scripts to return.
func (b *Broker) Close() {
	b.mu.Lock()
	b.closed = true
	conns := append([]*Conn(nil), b.conns...)
	b.mu.Unlock()
	b.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	b.wg.Wait()
}

func (b *Broker) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// Packets returns every packet received so far, on every connection, in the order they arrived.
func (b *Broker) Packets() []Packet {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Packet(nil), b.packets...)
}

// Connections is how many clients have connected.
func (b *Broker) Connections() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// WaitEnded waits up to timeout until every connection so far has ended (the client hung up, or its
// script returned), so that Packets has all they sent.
func (b *Broker) WaitEnded(timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		open := 0
		for _, c := range b.conns {
			if !c.ended {
				open++
			}
		}
		ch := b.changed
		b.mu.Unlock()
		if open == 0 {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

// WaitFor waits up to timeout for a packet of type typ, and returns the first one received.
func (b *Broker) WaitFor(typ byte, timeout time.Duration) (Packet, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		for _, p := range b.packets {
			if p.Type() == typ {
				b.mu.Unlock()
				return p, true
			}
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return Packet{}, false
		}
	}
}

func (b *Broker) record(p Packet) {
	b.mu.Lock()
	b.packets = append(b.packets, p)
	b.notifyLocked()
	b.mu.Unlock()
}

// Conn is one client's connection, as its script sees it.
type Conn struct {
	net.Conn
	// N counts connections from 1.
	N int
	// Version is the protocol level of the client's CONNECT (3, 4 or 5), once Next has read it.
	Version byte

	b     *Broker
	ended bool
	wmu   sync.Mutex
}

// ErrMalformed is a client packet the fake broker could not frame.
var ErrMalformed = errors.New("fakebroker: malformed remaining length")

// Next reads and records the client's next packet.
func (c *Conn) Next() (Packet, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.Conn, hdr[:1]); err != nil {
		return Packet{}, err
	}
	n, mult := 0, 1
	i := 1
	for ; ; i++ {
		if i == 5 {
			return Packet{}, ErrMalformed
		}
		if _, err := io.ReadFull(c.Conn, hdr[i:i+1]); err != nil {
			return Packet{}, err
		}
		n += int(hdr[i]&0x7f) * mult
		mult <<= 7
		if hdr[i]&0x80 == 0 {
			break
		}
	}
	raw := make([]byte, i+1+n)
	copy(raw, hdr[:i+1])
	if _, err := io.ReadFull(c.Conn, raw[i+1:]); err != nil {
		return Packet{}, err
	}
	p := Packet{Conn: c.N, Raw: raw, head: i + 1}
	if p.Type() == CONNECT {
		c.Version = p.connectVersion()
	}
	c.b.record(p)
	return p, nil
}

// Send writes raw bytes, whole packets or not.
func (c *Conn) Send(b ...[]byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, p := range b {
		if _, err := c.Conn.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// Packet is one packet a client sent, as it sent it.
type Packet struct {
	// Conn is the connection it came on (see Conn.N).
	Conn int
	Raw  []byte
	head int
}

// Packet types.
const (
	CONNECT     byte = 1
	CONNACK     byte = 2
	PUBLISH     byte = 3
	PUBACK      byte = 4
	PUBREC      byte = 5
	PUBREL      byte = 6
	PUBCOMP     byte = 7
	SUBSCRIBE   byte = 8
	SUBACK      byte = 9
	UNSUBSCRIBE byte = 10
	UNSUBACK    byte = 11
	PINGREQ     byte = 12
	PINGRESP    byte = 13
	DISCONNECT  byte = 14
	AUTH        byte = 15
)

// Type is the packet type (the high nibble of the first byte).
func (p Packet) Type() byte { return p.Raw[0] >> 4 }

// Body is what follows the fixed header.
func (p Packet) Body() []byte { return p.Raw[p.head:] }

func (p Packet) connectVersion() byte {
	b := p.Body()
	if len(b) < 2 {
		return 0
	}
	n := 2 + (int(b[0])<<8 | int(b[1]))
	if len(b) <= n {
		return 0
	}
	return b[n]
}
