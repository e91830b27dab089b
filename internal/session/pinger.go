package session

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho/log"
)

// errNoPingResp ends a connection whose broker stopped answering: the link stalled, or the broker hung.
var errNoPingResp = errors.New("no answer to a keep-alive ping: the connection stalled")

// pinger is paho.golang's Pinger with the timing of libmosquitto, and the keep-alive of our 3.1.1 side
// too (dialV3): a PINGREQ once nothing has been sent or received for the keep-alive, and the connection
// given up when its PINGRESP has not come a quarter of a keep-alive later, so a stall is noticed within
// one and a half keep-alives. paho's default waits a whole second keep-alive.
//
// The quarter counts only while the reader waits on the connection (busy says when it does not): a
// reader held by the command (a subscriber whose stdout blocks) has not read the PINGRESP that may have
// come, and a broker that answers is no stalled link. libmosquitto, single-threaded, does not ping at
// all while its on_message callback blocks.
type pinger struct {
	// failed is told why, before Run returns: paho reports the reader's "use of closed network
	// connection" too, and the user should read the cause.
	failed func(error)
	// busy reports that the reader is not waiting on the connection: delivering, or handing a packet
	// to the library. Nil is never busy.
	busy func() bool

	mu                 sync.Mutex
	lastSent, lastRecv time.Time
	pingSent           time.Time // zero when no PINGREQ is outstanding
}

func (p *pinger) Run(ctx context.Context, conn net.Conn, keepAlive uint16) error {
	return p.run(ctx.Done(), conn, time.Duration(keepAlive)*time.Second)
}

// run pings on conn until done is closed; Run for paho.golang, and the 3.1.1 keep-alive (dialV3).
func (p *pinger) run(done <-chan struct{}, conn io.Writer, k time.Duration) error {
	if k <= 0 {
		return nil
	}
	// The connection starts with the CONNECT and CONNACK just exchanged (paho.golang reports neither):
	// the first ping is a keep-alive away, as libmosquitto's.
	now := time.Now()
	p.mu.Lock()
	p.lastSent, p.lastRecv = now, now
	p.mu.Unlock()
	tick := time.NewTicker(max(k/4, 100*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-done:
			return nil
		case now := <-tick.C:
			busy := p.busy != nil && p.busy()
			p.mu.Lock()
			idle := now.Sub(p.lastSent) >= k || now.Sub(p.lastRecv) >= k
			if !p.pingSent.IsZero() && busy {
				p.pingSent = now // the wait starts again once the reader waits on the connection
			}
			outstanding, sent := !p.pingSent.IsZero(), p.pingSent
			if idle && !outstanding {
				p.pingSent, p.lastSent = now, now
			}
			p.mu.Unlock()
			if outstanding {
				if now.Sub(sent) >= k/4 {
					if p.failed != nil {
						p.failed(errNoPingResp)
					}
					return errNoPingResp
				}
				continue
			}
			if idle {
				if _, err := packets.NewControlPacket(packets.PINGREQ).WriteTo(conn); err != nil {
					return err
				}
			}
		}
	}
}

func (p *pinger) PacketSent() {
	p.mu.Lock()
	p.lastSent = time.Now()
	p.mu.Unlock()
}

func (p *pinger) PacketReceived() {
	p.mu.Lock()
	p.lastRecv = time.Now()
	p.mu.Unlock()
}

func (p *pinger) PingResp() {
	p.mu.Lock()
	p.pingSent, p.lastRecv = time.Time{}, time.Now()
	p.mu.Unlock()
}

func (p *pinger) SetDebug(log.Logger) {}
