package broker

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/listeners"

	"mqtt/internal/transport"
)

// wsListener serves MQTT over WebSocket on any request path, as mosquitto does. It uses the
// transport package's connection adapter, so client and broker agree on how messages map to bytes.
type wsListener struct {
	id        string
	scheme    transport.Scheme
	ln        net.Listener
	srv       *http.Server
	upgrader  websocket.Upgrader
	log       *slog.Logger
	establish listeners.EstablishFn
	conns     tracker
	gate      *gate
	// closeClients closes the listener's clients at shutdown (shutdown.go).
	closeClients listeners.CloseFn
}

func newWSListener(id string, lc Listener, ln net.Listener, gate *gate, closeClients listeners.CloseFn) *wsListener {
	l := &wsListener{
		id:           id,
		scheme:       lc.Scheme,
		ln:           ln,
		gate:         gate,
		closeClients: closeClients,
		upgrader: websocket.Upgrader{
			Subprotocols: []string{transport.WebSocketProtocol},
			CheckOrigin:  originCheck(lc.AllowOrigins),
		},
	}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	return l
}

func (l *wsListener) Init(log *slog.Logger) error {
	l.log = log
	l.srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	return nil
}

func (l *wsListener) ID() string       { return l.id }
func (l *wsListener) Address() string  { return l.ln.Addr().String() }
func (l *wsListener) Protocol() string { return string(l.scheme) }

func (l *wsListener) Serve(establish listeners.EstablishFn) {
	l.establish = establish
	if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		l.log.Error("websocket listener stopped", "error", err)
	}
}

func (l *wsListener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := l.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}
	conn := transport.NewWebSocketConn(ws)
	if r.TLS != nil {
		conn = &tlsStateConn{Conn: conn, state: *r.TLS} // for use_identity_as_username
	}
	if !l.gate.enter(conn) {
		return
	}
	defer l.gate.leave()
	if !l.conns.add(conn) {
		conn.Close()
		return
	}
	defer l.conns.done(conn)
	if err := l.establish(l.id, newFlowConn(conn)); err != nil {
		l.log.Debug("client ended", "error", err, "remote", conn.RemoteAddr())
	}
}

// Close closes the listener's clients with ours, not with the function mochi hands it (shutdown.go).
func (l *wsListener) Close(listeners.CloseFn) {
	l.closeClients(l.id)
	l.srv.Close()
	l.conns.closeAll()
}

// originCheck lets in a WebSocket client that sends no Origin (every MQTT library), or one from
// a page served by the listener's own host: a browser sends the Origin of the page that opens the
// socket, and without this check any web page the developer visits could connect to
// ws://localhost and read and publish. allowed lists more origins (scheme://host[:port]), "*"
// for any.
func originCheck(allowed []string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		for _, a := range allowed {
			if a == "*" || strings.EqualFold(strings.TrimSuffix(a, "/"), origin) {
				return true
			}
		}
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
}

// tlsStateConn carries the TLS state of a wss connection, which the WebSocket adapter hides.
type tlsStateConn struct {
	net.Conn
	state tls.ConnectionState
}

func (c *tlsStateConn) ConnectionState() tls.ConnectionState { return c.state }
