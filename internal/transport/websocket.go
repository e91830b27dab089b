package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/gorilla/websocket"
)

// WebSocketProtocol is the subprotocol MQTT over WebSocket is negotiated under.
const WebSocketProtocol = "mqtt"

// DefaultWebSocketPath is the request path used when Dialer.Path is empty.
const DefaultWebSocketPath = "/mqtt"

func (d Dialer) dialWebSocket(ctx context.Context) (net.Conn, error) {
	path := d.Path
	if path == "" {
		path = DefaultWebSocketPath
	} else if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	addr := d.addr()
	url := string(d.Scheme) + "://" + addr + path
	// Errors from our own steps already say what failed; gorilla calls these synchronously.
	var stepErr error
	wd := websocket.Dialer{
		NetDialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			conn, err := d.dialStream(ctx, addr)
			stepErr = err
			return conn, err
		},
		Subprotocols: []string{WebSocketProtocol},
	}
	if d.Scheme == WSS {
		// Our own TLS step, so wss verifies and reports exactly as tls does.
		wd.NetDialTLSContext = func(ctx context.Context, _, addr string) (net.Conn, error) {
			conn, err := d.dialStream(ctx, addr)
			if err == nil {
				conn, err = d.handshakeTLS(ctx, conn, addr)
			}
			stepErr = err
			return conn, err
		}
	}
	ws, resp, err := wd.DialContext(ctx, url, nil)
	var tlsErr *TLSError
	switch {
	case stepErr != nil:
		return nil, stepErr
	case errors.As(err, &tlsErr):
		// A TLS 1.3 broker refusing our client certificate: its alert is read with the upgrade's answer.
		return nil, tlsErr
	case errors.Is(err, websocket.ErrBadHandshake) && resp != nil:
		return nil, fmt.Errorf("WebSocket handshake with %s: server answered %q, not an upgrade to WebSocket (is the path right?)", url, resp.Status)
	case err != nil:
		return nil, fmt.Errorf("WebSocket handshake with %s: %w", url, cause(err))
	}
	return NewWebSocketConn(ws), nil
}
