// Package session is the one MQTT client connection the commands speak to. It has two adapters, MQTT 3.1
// and 3.1.1 on github.com/eclipse/paho.mqtt.golang and MQTT 5 on github.com/eclipse/paho.golang; the
// commands never see either library.
package session

import (
	"context"
	"io"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/transport"
	"mqtt/internal/wire"
)

// Protocol versions as they appear in CONNECT.
const (
	V31  = wire.V31
	V311 = wire.V311
	V5   = wire.V5
)

// Will is the last-will message.
type Will struct {
	Topic   string
	Payload []byte
	QoS     byte
	Retain  bool
	Props   *message.Properties
}

// Options configure a session. The commands build them from flags; nothing here knows about flags.
type Options struct {
	Version      byte
	Dial         transport.Dialer
	ClientID     string
	CleanSession bool
	KeepAlive    time.Duration
	Username     *string
	Password     *string
	Will         *Will
	// ConnectProps are the v5 CONNECT properties (session expiry from -x included).
	ConnectProps *message.Properties
	// MaxInflight bounds QoS 1 and 2 publishes awaiting acknowledgement. Zero means wire.InflightQoS2,
	// which is safe at either QoS.
	MaxInflight int
	// Debug receives a line per packet sent and received (mosquitto's -d); nil for none.
	Debug io.Writer
	// OnMessage is called for every PUBLISH received, in order, on the session's reader. The message and
	// its payload are valid only during the call: copy what is kept. It must not block for long, and must
	// not wait for the session (a QoS 1 Publish with a full window): the reader is what it would wait on.
	OnMessage func(*message.Message)
	// OnIdle is called on the reader after it has delivered messages and before it waits for more: the
	// moment to flush output.
	OnIdle func()
	// OnEvent is told what happens to the session as it happens (see Event); nil for none. It is called
	// on the session's goroutines: it must not block for long.
	OnEvent func(Event)
	// OnAck is told the outcome of every QoS 1/2 publish, on the reader, as its acknowledgement is read;
	// nil for none. Drain's DeliveryReport counts the same outcomes.
	OnAck func(Ack)
	// Reconnect, when set, replaces a connection that drops (see Reconnect).
	Reconnect *Reconnect
	// ReadBatch, when positive, trades at most this much latency for CPU time: while messages arrive
	// less than ReadBatch apart, a message may wait up to ReadBatch so that one wakeup reads many (plain
	// TCP only, see batchReader). A message after a quiet spell is delivered at once.
	ReadBatch time.Duration
}

// Subscription is one filter of a SUBSCRIBE.
type Subscription = wire.Subscription

// DeliveryReport counts the QoS 1/2 publishes of a session.
type DeliveryReport struct {
	Sent  int // handed to the connection
	Acked int // acknowledged by the broker with success
	// Refused are acknowledged with a v5 failure reason code.
	Refused int
	// LastReason is mosquitto's text for the reason code of the last refusal (wire.ReasonText).
	LastReason string
}

// Unacked is how many were sent and not acknowledged with success.
func (r DeliveryReport) Unacked() int { return r.Sent - r.Acked }

// Session is a connected MQTT client.
type Session interface {
	// Publish sends m, or buffers it: it goes out with the next Flush, Drain or Disconnect, or once the
	// buffer fills. QoS 1 and 2 block while the window of MaxInflight unacknowledged publishes is full;
	// their outcome is counted by Drain. m may be reused once Publish returns. Publish sets m.MID to the
	// packet identifier it took (0 at QoS 0).
	Publish(ctx context.Context, m *message.Message) error
	// Flush writes what Publish buffered: call it when no message follows at once.
	Flush() error
	// Drain waits until every QoS 1/2 publish so far is acknowledged, the connection is lost or ctx ends.
	Drain(ctx context.Context) DeliveryReport
	// Subscribe sends one SUBSCRIBE with all subs and returns the granted QoS (or v5 reason code) of each.
	Subscribe(ctx context.Context, subs []Subscription, props *message.Properties) ([]byte, error)
	// SubscribeThenUnsubscribe sends one SUBSCRIBE with all subs, then one UNSUBSCRIBE per filter of
	// unsubs, without waiting in between, as mosquitto_sub does, and returns the SUBSCRIBE's codes.
	SubscribeThenUnsubscribe(ctx context.Context, subs []Subscription, props *message.Properties, unsubs []string, uprops *message.Properties) ([]byte, error)
	// Unsubscribe sends one UNSUBSCRIBE with every filter.
	Unsubscribe(ctx context.Context, filters []string, props *message.Properties) error
	// Disconnect sends DISCONNECT (with v5 props) and closes the connection.
	Disconnect(ctx context.Context, props *message.Properties) error
	// Done is closed when the connection is lost or closed.
	Done() <-chan struct{}
	// Err says why the connection was lost; nil after a clean Disconnect.
	Err() error
	// Server describes the CONNACK.
	Server() ServerInfo
}

// ServerInfo is what the broker said in its CONNACK.
type ServerInfo struct {
	SessionPresent bool
	// Props is nil on MQTT 3.1 and 3.1.1.
	Props *message.Properties
	// ClientID is the id in use: the one sent, or the broker's assigned one.
	ClientID string
}

// ConnectError is a CONNACK that refused the connection.
type ConnectError struct {
	Version byte
	Code    byte
	Reason  string // v5 reason string, if any
}

func (e *ConnectError) Error() string {
	s := wire.ConnackText(e.Version, e.Code)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}
