package broker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mochi-mqtt/server/v2/listeners"

	"mqtt/internal/transport"
)

// listen binds lc's address itself, rather than leaving it to mochi's listeners, so that port 0
// resolves to a real port before Start returns and the address can be read back without a race.
func listen(id string, lc Listener, gate *gate, closeClients listeners.CloseFn) (listeners.Listener, error) {
	switch lc.Scheme {
	case transport.TCP, transport.TLS, transport.WS, transport.WSS:
	case transport.Unix:
		ln, err := listenUnix(lc.Addr)
		if err != nil {
			return nil, err
		}
		return &streamListener{id: id, scheme: lc.Scheme, ln: ln, gate: gate, closeClients: closeClients}, nil
	default:
		return nil, fmt.Errorf("unknown scheme %q: use tcp, tls, ws, wss or unix", lc.Scheme)
	}
	secure := lc.Scheme == transport.TLS || lc.Scheme == transport.WSS
	if secure && lc.TLS == nil {
		return nil, fmt.Errorf("%s needs a TLS configuration", lc.Scheme)
	}
	ln, err := net.Listen("tcp", lc.Addr)
	if err != nil {
		return nil, err
	}
	if secure {
		ln = tls.NewListener(ln, lc.TLS)
	}
	if lc.Scheme == transport.WS || lc.Scheme == transport.WSS {
		return newWSListener(id, lc, ln, gate, closeClients), nil
	}
	return &streamListener{id: id, scheme: lc.Scheme, ln: ln, gate: gate, closeClients: closeClients}, nil
}

// listenUnix removes a socket left by a broker that did not shut down, as mosquitto and mochi do;
// anything else at the path is left alone and the bind fails.
func listenUnix(path string) (net.Listener, error) {
	if info, err := os.Lstat(path); err == nil && info.Mode().Type() == fs.ModeSocket {
		_ = os.Remove(path)
	}
	return net.Listen("unix", path)
}

// streamListener hands mochi the connections of a TCP, TLS or unix net.Listener.
type streamListener struct {
	id     string
	scheme transport.Scheme
	ln     net.Listener
	log    *slog.Logger
	conns  tracker
	gate   *gate
	// closeClients closes the listener's clients at shutdown (shutdown.go).
	closeClients listeners.CloseFn
}

func (l *streamListener) Init(log *slog.Logger) error { l.log = log; return nil }
func (l *streamListener) ID() string                  { return l.id }
func (l *streamListener) Address() string             { return l.ln.Addr().String() }
func (l *streamListener) Protocol() string            { return string(l.scheme) }

func (l *streamListener) Serve(establish listeners.EstablishFn) {
	var backoff time.Duration
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait for connections to end, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.log.Warn("accept failed", "error", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !l.gate.enter(conn) {
			continue
		}
		if !l.conns.add(conn) {
			l.gate.leave()
			conn.Close()
			return
		}
		go func() {
			defer l.gate.leave()
			defer l.conns.done(conn)
			if err := establish(l.id, newFlowConn(conn)); err != nil {
				l.log.Debug("client ended", "error", err, "remote", conn.RemoteAddr())
			}
		}()
	}
}

// Close closes the listener's clients with ours, not with the function mochi hands it (shutdown.go).
func (l *streamListener) Close(listeners.CloseFn) {
	l.closeClients(l.id)
	l.ln.Close()
	l.conns.closeAll()
}

// tracker holds the connections a listener gave mochi. mochi's Close only reaches clients that
// completed CONNECT, and waits for all of them; closing every connection ourselves keeps a client
// that never sends CONNECT from holding Close up.
type tracker struct {
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// add reports false once the listener is closing; the caller must then close c.
func (t *tracker) add(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	if t.conns == nil {
		t.conns = make(map[net.Conn]struct{})
	}
	t.conns[c] = struct{}{}
	t.wg.Add(1)
	return true
}

func (t *tracker) done(c net.Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	t.wg.Done()
}

// closeAll closes every connection and waits until mochi is done with each. Waiting also keeps
// mochi's own WaitGroup from being added to while its Close waits on it.
func (t *tracker) closeAll() {
	t.mu.Lock()
	t.closed = true
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
}

// gate holds what every listener of a broker checks before mochi reads a byte: how many
// connections may be open at once, and how long a new one has to send its CONNECT.
type gate struct {
	// max is the most connections open at once; 0 is no limit.
	max  int64
	open atomic.Int64
	// firstPacket is how long a connection may take to send CONNECT (the TLS handshake
	// included), after which it is closed; mochi itself waits for ever. Once CONNECT is read,
	// mochi replaces the deadline with the client's keep-alive.
	firstPacket time.Duration
}

// enter admits conn, setting its first deadline, or closes it when the broker is full, as
// mosquitto's max_connections does. Every conn admitted must leave.
func (g *gate) enter(conn net.Conn) bool {
	if n := g.open.Add(1); g.max > 0 && n > g.max {
		g.open.Add(-1)
		conn.Close()
		return false
	}
	if g.firstPacket > 0 {
		conn.SetReadDeadline(time.Now().Add(g.firstPacket))
	}
	return true
}

func (g *gate) leave() { g.open.Add(-1) }
