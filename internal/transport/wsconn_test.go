package transport_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"mqtt/internal/transport"
)

// wsServer runs handle for each WebSocket connection on an httptest server (127.0.0.1) and returns
// a dialer for it. The request of the last connection is sent on requests.
func wsServer(t *testing.T, handle func(*websocket.Conn)) (transport.Dialer, <-chan *http.Request) {
	t.Helper()
	requests := make(chan *http.Request, 10)
	up := websocket.Upgrader{Subprotocols: []string{"mqtt"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		requests <- r
		handle(ws)
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().(*net.TCPAddr)
	return transport.Dialer{Scheme: transport.WS, Host: "127.0.0.1", Port: addr.Port}, requests
}

func dialWS(t *testing.T, d transport.Dialer) net.Conn {
	t.Helper()
	conn, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return conn
}

func TestWebSocketHandshake(t *testing.T) {
	d, requests := wsServer(t, func(*websocket.Conn) {})
	for path, want := range map[string]string{"": "/mqtt", "/ws": "/ws", "broker/x": "/broker/x"} {
		d.Path = path
		dialWS(t, d)
		r := <-requests
		if r.URL.Path != want {
			t.Errorf("Path %q: server saw %q, want %q", path, r.URL.Path, want)
		}
		if got := r.Header.Get("Sec-WebSocket-Protocol"); got != "mqtt" {
			t.Errorf("subprotocol offered = %q, want mqtt", got)
		}
	}
}

func TestWebSocketHandshakeRefused(t *testing.T) {
	d, _ := wsServer(t, func(*websocket.Conn) {})
	d.Path = "/missing"
	_, err := d.Dial(context.Background())
	if err == nil || !strings.Contains(err.Error(), "/missing") || !strings.Contains(err.Error(), "404 Not Found") {
		t.Fatalf("Dial error = %v, want the URL and the status", err)
	}
}

// MQTT packets and WebSocket messages need not line up: Read must see one stream.
func TestWebSocketReadAcrossMessages(t *testing.T) {
	messages := [][]byte{{0x20}, {0x02, 0x00}, {}, {0x00, 0xd0, 0x00, 0x30}, {0x03, 'a', '/', 'b'}}
	d, _ := wsServer(t, func(ws *websocket.Conn) {
		for _, m := range messages {
			ws.WriteMessage(websocket.BinaryMessage, m)
		}
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	})
	conn := dialWS(t, d)
	got, err := io.ReadAll(conn) // ends with io.EOF on the close frame
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	want := []byte{0x20, 0x02, 0x00, 0x00, 0xd0, 0x00, 0x30, 0x03, 'a', '/', 'b'}
	if string(got) != string(want) {
		t.Fatalf("read % x, want % x", got, want)
	}
}

func TestWebSocketReadSmallBuffer(t *testing.T) {
	d, _ := wsServer(t, func(ws *websocket.Conn) {
		ws.WriteMessage(websocket.BinaryMessage, []byte("abcdef"))
		ws.ReadMessage() // wait for the client to go
	})
	conn := dialWS(t, d)
	buf := make([]byte, 4)
	var got []byte
	for len(got) < 6 {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != "abcdef" {
		t.Fatalf("read %q", got)
	}
}

func TestWebSocketEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(*websocket.Conn)
		want error
	}{
		{"close frame", func(ws *websocket.Conn) {
			ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"))
		}, io.EOF},
		{"socket closed", func(ws *websocket.Conn) { ws.NetConn().Close() }, io.EOF},
		{"text message", func(ws *websocket.Conn) { ws.WriteMessage(websocket.TextMessage, []byte("hi")) }, transport.ErrTextFrame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := wsServer(t, tt.end)
			conn := dialWS(t, d)
			for range 3 { // the error sticks
				if _, err := conn.Read(make([]byte, 8)); !errors.Is(err, tt.want) {
					t.Fatalf("Read error = %v, want %v", err, tt.want)
				}
			}
		})
	}
}

// Each Write is one binary message, even when several goroutines write at once.
func TestWebSocketConcurrentWrites(t *testing.T) {
	const writers, each = 8, 50
	received := make(chan []string, 1)
	d, _ := wsServer(t, func(ws *websocket.Conn) {
		var got []string
		for {
			kind, m, err := ws.ReadMessage()
			if err != nil {
				received <- got
				return
			}
			if kind != websocket.BinaryMessage {
				m = []byte("not binary")
			}
			got = append(got, string(m))
		}
	})
	conn := dialWS(t, d)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				msg := fmt.Sprintf("writer %d message %d %s", w, i, strings.Repeat("x", i*10))
				if _, err := conn.Write([]byte(msg)); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() { conn.SetWriteDeadline(time.Now().Add(10 * time.Second)) })
	}
	wg.Wait()
	conn.Close()
	got := <-received
	if len(got) != writers*each {
		t.Fatalf("server received %d messages, want %d", len(got), writers*each)
	}
	seen := map[string]bool{}
	for _, m := range got {
		var w, i int
		if _, err := fmt.Sscanf(m, "writer %d message %d", &w, &i); err != nil || seen[m] ||
			m != fmt.Sprintf("writer %d message %d %s", w, i, strings.Repeat("x", i*10)) {
			t.Fatalf("message %q is not one whole Write", m)
		}
		seen[m] = true
	}
}

func TestWebSocketCloseSendsCloseFrame(t *testing.T) {
	closed := make(chan error, 1)
	d, _ := wsServer(t, func(ws *websocket.Conn) {
		_, _, err := ws.ReadMessage()
		closed <- err
	})
	conn := dialWS(t, d)
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	err := <-closed
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("server read %v, want a normal close", err)
	}
}
