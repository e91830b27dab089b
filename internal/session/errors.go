package session

import (
	"fmt"
	"time"
)

// ProtocolError is a broker that broke MQTT: a malformed packet, a packet only a client sends, or an
// answer that does not fit the question. libmosquitto ends the connection, and mosquitto's clients the
// run, with MOSQ_ERR_PROTOCOL; a session does not reconnect after one, and nothing the broker sent after
// it is delivered.
type ProtocolError struct {
	// PubackForQoS2 is a QoS 2 PUBLISH answered with a PUBACK, as a broker that takes QoS 2 as QoS 1 does
	// (RabbitMQ).
	PubackForQoS2 bool
	// Limit is the maximum packet size we asked for, when the broker sent a packet of Size bytes, larger.
	Limit, Size int
	Err         error
}

func (e *ProtocolError) Error() string { return "protocol error: " + e.Err.Error() }
func (e *ProtocolError) Unwrap() error { return e.Err }

// HangupError is a connection the broker closed before its CONNACK: a TLS port given plain MQTT, a
// broker that does not speak the protocol version asked for (RabbitMQ and MQTT 5), or a CONNACK larger
// than the maximum packet size asked for.
type HangupError struct {
	Version byte
	// MaxPacket is the maximum-packet-size of the CONNECT; 0 for none.
	MaxPacket int
	Err       error
}

func (e *HangupError) Error() string {
	return "the broker closed the connection before its CONNACK: " + e.Err.Error()
}
func (e *HangupError) Unwrap() error { return e.Err }

// NoConnackError is a broker that accepted the connection and never answered the CONNECT.
type NoConnackError struct{ Wait time.Duration }

func (e *NoConnackError) Error() string {
	return fmt.Sprintf("no CONNACK from the broker within %s: is this an MQTT port?", e.Wait)
}
