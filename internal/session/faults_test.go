package session_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// proxy forwards TCP connections to a broker, and can cut them or let them stall (bytes vanish, no side
// hears of it: a dead link, a suspended laptop).
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	stall  chan struct{} // closed: drop everything
	freeze chan struct{} // closed: stop reading, so that writers block
	done   chan struct{} // closed when the test ends
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target, stall: make(chan struct{}), freeze: make(chan struct{}), done: make(chan struct{})}
	t.Cleanup(func() { close(p.done); l.Close(); p.cut() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			stall, freeze := p.stall, p.freeze
			p.mu.Unlock()
			go p.pipe(c, b, stall, freeze)
			go p.pipe(b, c, stall, freeze)
		}
	}()
	return p
}

func (p *proxy) pipe(dst, src net.Conn, stall, freeze <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		select {
		case <-freeze:
			<-p.done // read nothing more until the test ends
			return
		default:
		}
		n, err := src.Read(buf)
		if err != nil {
			select {
			case <-stall: // a dead link carries no close either: the other side must find out itself
			default:
				dst.Close()
			}
			return
		}
		select {
		case <-stall:
			continue // swallowed
		default:
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *proxy) port() int { return p.l.Addr().(*net.TCPAddr).Port }

// cut closes every connection through the proxy; new ones are forwarded as before.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// freezeAll stops reading from the connections open now: writes to them block once buffers are full.
func (p *proxy) freezeAll() {
	p.mu.Lock()
	close(p.freeze)
	p.freeze = make(chan struct{})
	p.mu.Unlock()
}

// stallAll makes the connections open now go silent.
func (p *proxy) stallAll() {
	p.mu.Lock()
	close(p.stall)
	p.stall = make(chan struct{})
	p.mu.Unlock()
}

func dialer(port int) transport.Dialer {
	return transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: port}
}

// connectThrough connects with o through p, and disconnects when the test ends.
func connectThrough(t *testing.T, p *proxy, o session.Options) session.Session {
	t.Helper()
	o.Dial = dialer(p.port())
	s, err := session.Connect(session.Bounded(t), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Disconnect(session.Bounded(t), nil) })
	return s
}

// A stalled link is given up on within one and a half keep-alives, on both protocol versions.
func TestKeepAliveNoticesAStall(t *testing.T) {
	b := brokertest.Start(t)
	for _, v := range []byte{session.V311, session.V5} {
		t.Run(strconv.Itoa(int(v)), func(t *testing.T) {
			p := startProxy(t, b.AddrOf(transport.TCP))
			const keepAlive = 2 * time.Second
			s := connectThrough(t, p, session.Options{
				Version: v, ClientID: "stall-" + strconv.Itoa(int(v)), CleanSession: true, KeepAlive: keepAlive,
			})
			p.stallAll()
			start := time.Now()
			// The bound is the protocol's promise plus scheduling slack; the figure is in the log.
			select {
			case <-s.Done():
				t.Logf("stall noticed after %v (keep-alive %v): %v", time.Since(start).Round(10*time.Millisecond), keepAlive, s.Err())
			case <-time.After(keepAlive*3/2 + 500*time.Millisecond):
				t.Fatalf("a stalled connection still open after %v with a keep-alive of %v", time.Since(start), keepAlive)
			}
			if s.Err() == nil || !strings.Contains(strings.ToLower(s.Err().Error()), "ping") {
				t.Errorf("err = %v, want one that says the ping went unanswered", s.Err())
			}
		})
	}
}

// A link that stops taking bytes while a publisher writes is given up on too: the write is bounded, so
// the publish fails instead of blocking for ever (the keep-alive ping waits behind it).
func TestBlockedWriteEnds(t *testing.T) {
	b := brokertest.Start(t)
	for _, v := range []byte{session.V311, session.V5} {
		t.Run(strconv.Itoa(int(v)), func(t *testing.T) {
			p := startProxy(t, b.AddrOf(transport.TCP))
			const keepAlive = 2 * time.Second
			s := connectThrough(t, p, session.Options{
				Version: v, ClientID: "frozen-" + strconv.Itoa(int(v)), CleanSession: true, KeepAlive: keepAlive,
			})
			p.freezeAll()
			m := &message.Message{Topic: "frozen", Payload: make([]byte, 1000)}
			start := time.Now()
			// On a goroutine of its own: the regression this catches is a Publish that never returns.
			failed := make(chan error, 1)
			go func() {
				var perr error
				for perr == nil && time.Since(start) < session.FailAfter {
					perr = s.Publish(context.Background(), m)
				}
				failed <- perr
			}()
			perr := session.Receive(t, failed, "end of a publish into a link that takes nothing")
			if perr == nil {
				t.Fatalf("publishing to a link that takes nothing still succeeds after %v", time.Since(start))
			}
			t.Logf("publish failed after %v: %v", time.Since(start).Round(10*time.Millisecond), perr)
		})
	}
}

// A cut connection is replaced: the session subscribes again, messages published afterwards arrive,
// and the user is told both things.
func TestReconnectAfterACut(t *testing.T) {
	b := brokertest.Start(t)
	for _, v := range []byte{session.V311, session.V5} {
		t.Run(strconv.Itoa(int(v)), func(t *testing.T) {
			p := startProxy(t, b.AddrOf(transport.TCP))
			got := make(chan string, 16)
			notes := make(chan session.Event, 16)
			topic := "cut/" + strconv.Itoa(int(v))
			s := connectThrough(t, p, session.Options{
				Version: v, ClientID: "cut-" + strconv.Itoa(int(v)), CleanSession: true,
				KeepAlive: 30 * time.Second,
				OnMessage: func(m *message.Message) { got <- string(m.Payload) },
				Reconnect: &session.Reconnect{MaxDelay: time.Second},
				OnEvent: func(e session.Event) {
					if _, ok := e.(session.Subscribed); !ok { // the SUBACKs are told too
						notes <- e
					}
				},
			})
			ctx := session.Bounded(t)
			if _, err := s.Subscribe(ctx, []session.Subscription{{Filter: topic, QoS: 1}}, nil); err != nil {
				t.Fatal(err)
			}
			p.cut()
			if n, ok := session.Receive(t, notes, "notice of the lost connection").(session.ConnectionLost); !ok || n.Err == nil {
				t.Errorf("first notice %#v, want ConnectionLost with its error", n)
			}
			// Each attempt is told, numbered from 1, with the delay before it; then the new connection.
			for attempt := 1; ; attempt++ {
				n := session.Receive(t, notes, "notice of an attempt or of the new connection")
				if back, ok := n.(session.Reconnected); ok {
					if attempt == 1 || back.Attempts != attempt-1 || back.After <= 0 {
						t.Errorf("%#v after %d attempts told", back, attempt-1)
					}
					break
				}
				if a, ok := n.(session.Reconnecting); !ok || a.Attempt != attempt || a.Delay <= 0 {
					t.Fatalf("notice %#v, want Reconnecting attempt %d", n, attempt)
				}
			}
			pub, err := session.Connect(ctx, session.Options{
				Version: v, Dial: b.Dialer(transport.TCP), ClientID: "cut-pub-" + strconv.Itoa(int(v)), CleanSession: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Disconnect(ctx, nil)
			if err := pub.Publish(ctx, &message.Message{Topic: topic, Payload: []byte("after"), QoS: 1}); err != nil {
				t.Fatal(err)
			}
			if r := pub.Drain(ctx); r.Unacked() != 0 {
				t.Fatalf("publish not acknowledged: %+v", r)
			}
			if m := session.Receive(t, got, "message published after the reconnect"); m != "after" {
				t.Errorf("got %q after reconnecting, want after", m)
			}
		})
	}
}

// QoS 1 messages whose connection is cut before they are acknowledged are sent again on the next one:
// every message is acknowledged in the end, and the subscriber has them all.
func TestReconnectResendsUnacknowledged(t *testing.T) {
	b := brokertest.Start(t)
	for _, v := range []byte{session.V311, session.V5} {
		t.Run(strconv.Itoa(int(v)), func(t *testing.T) {
			topic := "resend/" + strconv.Itoa(int(v))
			const n = 2000
			seen := make(map[string]bool)
			var mu sync.Mutex
			all := make(chan struct{})
			ctx := session.Bounded(t)
			sub, err := session.Connect(ctx, session.Options{
				Version: v, Dial: b.Dialer(transport.TCP), ClientID: "resend-sub-" + strconv.Itoa(int(v)), CleanSession: true,
				OnMessage: func(m *message.Message) {
					mu.Lock()
					defer mu.Unlock()
					seen[string(m.Payload)] = true
					if len(seen) == n {
						close(all)
					}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Disconnect(ctx, nil)
			if _, err := sub.Subscribe(ctx, []session.Subscription{{Filter: topic, QoS: 1}}, nil); err != nil {
				t.Fatal(err)
			}
			p := startProxy(t, b.AddrOf(transport.TCP))
			pub := connectThrough(t, p, session.Options{
				Version: v, ClientID: "resend-pub-" + strconv.Itoa(int(v)), CleanSession: true,
				MaxInflight: 100, Reconnect: &session.Reconnect{MaxDelay: time.Second},
			})
			for i := range n {
				if i == n/2 {
					p.cut() // mid-stream, with messages in flight
				}
				err := pub.Publish(ctx, &message.Message{Topic: topic, Payload: []byte(strconv.Itoa(i)), QoS: 1})
				if err != nil {
					t.Fatal(err)
				}
			}
			if r := pub.Drain(ctx); r.Unacked() != 0 || r.Sent != n {
				t.Fatalf("after a cut: %+v, want all %d acknowledged", r, n)
			}
			select {
			case <-all:
			case <-ctx.Done():
				mu.Lock()
				t.Fatalf("subscriber has %d of %d", len(seen), n)
			}
		})
	}
}
