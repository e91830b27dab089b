package cmd

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// mosquitto's texts for the libmosquitto errors a session can end with (mosquitto_strerror), and its
// exit codes for them (the MOSQ_ERR_ values).
const (
	textProtocol = "A network protocol error occurred when communicating with the broker."
	textConnLost = "The connection was lost."
	textUnknown  = "Unknown error."

	exitProtocol  = 2  // MOSQ_ERR_PROTOCOL
	exitConnLost  = 7  // MOSQ_ERR_CONN_LOST
	exitKeepalive = 19 // MOSQ_ERR_KEEPALIVE: libmosquitto gives up on a silent broker after a keep-alive
)

// textUnsupportedV5 follows "Connection error: Unsupported Protocol Version" in mosquitto_pub and
// mosquitto_sub; mosquitto_rr has a sentence of its own.
const (
	textUnsupportedV5   = ". Try connecting to an MQTT v5 broker, or use MQTT v3.x mode."
	textUnsupportedV5RR = ". mosquitto_rr only supports connecting to an MQTT v5 broker"
)

// sessionExit gives the errors a session ends with mosquitto's exit code and mqtt's words: what
// happened, and what to do. Other errors are returned as they are.
func sessionExit(err error) error {
	var pe *session.ProtocolError
	var nc *session.NoConnackError
	var worded *exitError
	switch {
	case err == nil || errors.As(err, &worded):
		return err
	case errors.As(err, &pe) && pe.PubackForQoS2:
		return &exitError{code: exitProtocol, cause: err, msg: "Error: the broker answered a QoS 2 message with a PUBACK: it " +
			"does not do QoS 2 (RabbitMQ takes QoS 2 as QoS 1), so exactly once cannot be had; publish with -q 1."}
	case errors.As(err, &pe) && pe.Limit > 0:
		return &exitError{code: exitProtocol, cause: err, msg: fmt.Sprintf("Error: the broker sent a packet of %d bytes, more "+
			"than the maximum-packet-size of %d this client asked for (-D connect maximum-packet-size): %s",
			pe.Size, pe.Limit, textProtocol)}
	case errors.As(err, &pe):
		return &exitError{code: exitProtocol, cause: err, msg: fmt.Sprintf("Error: %s (the broker sent %v)", textProtocol, pe.Err)}
	case errors.As(err, &nc):
		return &exitError{code: exitKeepalive, cause: err, msg: "Error: " + nc.Error()}
	}
	var te *transport.TLSError
	if errors.As(err, &te) && te.AfterConnect {
		// The broker hung up once connected (a client certificate refused under TLS 1.3): mosquitto's
		// "connection lost". A failed handshake keeps exit code 1, which is mosquitto's on a nearby broker.
		return &exitError{code: exitConnLost, cause: err, msg: "Error: " + te.Error()}
	}
	return err
}

// errorText is err's text with the advice a person needs: a takeover (another client connected with our
// id) says what to do about it.
func errorText(err error) string {
	text := err.Error()
	var de *session.DisconnectError
	if !errors.As(err, &de) || !errors.Is(de, session.ErrTakenOver) {
		return text
	}
	advice := " (give each client its own id)"
	if de.ClientID != "" {
		advice = " (give each client its own id, or leave -i out)"
	}
	return strings.Replace(text, de.Error(), de.Error()+advice, 1)
}

// explainHangup words a connection closed before its CONNACK. A plain MQTT 3 connection closed so is
// most often a TLS port; an MQTT 5 one, a broker that speaks only 3.1.1 (RabbitMQ closes the socket), or
// one with a CONNACK too large for the maximum-packet-size asked for (mosquitto closes it too). Exit 7,
// mosquitto's "connection lost".
func explainHangup(d transport.Dialer, he *session.HangupError) error {
	addr := d.UnixPath
	if addr == "" {
		addr = net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
	}
	switch {
	case he.MaxPacket > 0:
		return &exitError{code: exitConnLost, cause: he, msg: fmt.Sprintf("Error: %s closed the connection without a CONNACK: "+
			"this client asked for packets of at most %d bytes (-D connect maximum-packet-size), and a broker that "+
			"cannot fit its CONNACK in that hangs up; raise the limit.", addr, he.MaxPacket)}
	case he.Version == session.V5 && (d.Scheme == transport.TCP || d.Scheme == "") && d.Proxy == "" && errors.Is(he.Err, io.EOF):
		return &exitError{code: exitConnLost, cause: he, msg: fmt.Sprintf("Error: %s closed the connection without answering "+
			"the MQTT 5 CONNECT: the broker may not speak MQTT 5; try -V 311.", addr)}
	case he.Version == session.V5:
		return &exitError{code: exitConnLost, cause: he, msg: fmt.Sprintf("Error: %s closed the connection without answering "+
			"the MQTT 5 CONNECT: the broker may not speak MQTT 5 (try -V 311), or it is a TLS port (connect with "+
			"--cafile or --tls-use-os-certs, or an mqtts:// URL).", addr)}
	}
	if te := (*transport.TLSError)(nil); errors.As(d.ExplainHangup(he.Err), &te) {
		return &exitError{code: exitConnLost, cause: he, msg: "Error: " + te.Error()}
	}
	return &exitError{code: exitConnLost, cause: he, msg: fmt.Sprintf("Error: %s closed the connection without answering: %v", addr, he.Err)}
}
