package broker

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
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
}

func newWSListener(id string, scheme transport.Scheme, ln net.Listener) *wsListener {
	l := &wsListener{
		id:     id,
		scheme: scheme,
		ln:     ln,
		upgrader: websocket.Upgrader{
			Subprotocols: []string{transport.WebSocketProtocol},
			// MQTT clients are not browsers bound by the same-origin policy, and mosquitto
			// accepts any origin too.
			CheckOrigin: func(*http.Request) bool { return true },
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
	if !l.conns.add(conn) {
		conn.Close()
		return
	}
	defer l.conns.done(conn)
	if err := l.establish(l.id, conn); err != nil {
		l.log.Debug("client ended", "error", err, "remote", conn.RemoteAddr())
	}
}

func (l *wsListener) Close(closeClients listeners.CloseFn) {
	closeClients(l.id)
	l.srv.Close()
	l.conns.closeAll()
}
