package session

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho/log"
)

// errNoPingResp ends a connection whose broker stopped answering: the link stalled, or the broker hung.
var errNoPingResp = errors.New("no answer to a keep-alive ping: the connection stalled")

// pinger is paho.golang's Pinger with the timing of libmosquitto and of our 3.1.1 side: a PINGREQ once
// nothing has been sent or received for the keep-alive, and the connection given up when its PINGRESP
// has not come a quarter of a keep-alive later, so a stall is noticed within one and a half keep-alives.
// paho's default waits a whole second keep-alive.
type pinger struct {
	// failed is told why, before Run returns: paho reports the reader's "use of closed network
	// connection" too, and the user should read the cause.
	failed func(error)

	mu                 sync.Mutex
	lastSent, lastRecv time.Time
	pingSent           time.Time // zero when no PINGREQ is outstanding
}

func (p *pinger) Run(ctx context.Context, conn net.Conn, keepAlive uint16) error {
	if keepAlive == 0 {
		return nil
	}
	k := time.Duration(keepAlive) * time.Second
	tick := time.NewTicker(max(k/4, 100*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			p.mu.Lock()
			idle := now.Sub(p.lastSent) >= k || now.Sub(p.lastRecv) >= k
			outstanding, sent := !p.pingSent.IsZero(), p.pingSent
			if idle && !outstanding {
				p.pingSent = now
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
	p.pingSent = time.Time{}
	p.mu.Unlock()
}

func (p *pinger) SetDebug(log.Logger) {}
