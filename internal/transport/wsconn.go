package transport

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// closeGrace bounds how long Close waits to send the WebSocket close frame to a peer that is not
// reading.
const closeGrace = 250 * time.Millisecond

// ErrTextFrame is returned by Read when the peer sends a text message: MQTT over WebSocket allows
// only binary ones.
var ErrTextFrame = errors.New("websocket: peer sent a text message; MQTT needs binary messages")

// NewWebSocketConn makes ws a byte stream. MQTT packets do not align with WebSocket messages, so
// Read returns bytes across message boundaries; each Write is sent as one binary message. Write,
// SetWriteDeadline and Close may be called concurrently; Read is for one goroutine at a time.
func NewWebSocketConn(ws *websocket.Conn) net.Conn {
	return &wsConn{ws: ws}
}

type wsConn struct {
	ws *websocket.Conn

	// Owned by the reader.
	msg     io.Reader // the message being read, nil between messages
	readErr error     // sticky: gorilla panics after too many reads past a failure

	// gorilla allows one writer at a time, and reads the write deadline without a lock.
	writeMu sync.Mutex
}

func (c *wsConn) Read(p []byte) (int, error) {
	if len(p) == 0 && c.readErr == nil {
		return 0, nil
	}
	for c.readErr == nil {
		if c.msg == nil {
			kind, r, err := c.ws.NextReader()
			if err != nil {
				c.readErr = streamError(err)
				break
			}
			if kind != websocket.BinaryMessage {
				c.readErr = ErrTextFrame
				break
			}
			c.msg = r
		}
		n, err := c.msg.Read(p)
		if err == io.EOF {
			c.msg = nil
			if n == 0 {
				continue // an empty message, or the end of one: a stream never returns 0, nil
			}
			err = nil
		}
		if err != nil {
			c.readErr = streamError(err)
		}
		return n, err
	}
	return 0, c.readErr
}

// streamError reports the end of the WebSocket as the end of a stream: a close frame, or the TCP
// connection ending without one, are what io.EOF is on a socket.
func streamError(err error) error {
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway,
		websocket.CloseNoStatusReceived, websocket.CloseAbnormalClosure) {
		return io.EOF
	}
	return err
}

func (c *wsConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close sends a close frame, as RFC 6455 asks, then closes the connection.
func (c *wsConn) Close() error {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeGrace))
	return c.ws.Close()
}

func (c *wsConn) LocalAddr() net.Addr  { return c.ws.LocalAddr() }
func (c *wsConn) RemoteAddr() net.Addr { return c.ws.RemoteAddr() }

func (c *wsConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline. gorilla fails the connection for good when a read times
// out, so a deadline here must mean "give up", not "poll".
func (c *wsConn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

func (c *wsConn) SetWriteDeadline(t time.Time) error {
	// Set on the socket first, so a write already blocked under the lock is released by it.
	if err := c.ws.NetConn().SetWriteDeadline(t); err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.ws.SetWriteDeadline(t)
}
