package cmd

import (
	"errors"
	"net"
	"syscall"
	"unicode"
	"unicode/utf8"

	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// mosquittoRuntime words an error that ends a run as the mosquitto clients word it, with their exit
// code; ok is false for errors mosquitto has no wording for (mqtt's own, such as unacknowledged
// messages), which keep mqtt's.
func mosquittoRuntime(err error) (text string, code int, ok bool) {
	var errno syscall.Errno
	var dns *net.DNSError
	var tlsErr *transport.TLSError
	var pe *session.ProtocolError
	var he *session.HangupError
	var nc *session.NoConnackError
	switch {
	case errors.As(err, &pe):
		return "Error: " + textProtocol + "\n", exitProtocol, true
	case errors.As(err, &he):
		return "Error: " + textConnLost + "\n", exitConnLost, true
	case errors.As(err, &nc):
		return "Error: " + textUnknown + "\n", exitKeepalive, true
	case errors.As(err, &tlsErr) && tlsErr.AfterConnect:
		// libmosquitto sees the broker hang up once it is connected: a client certificate refused
		// under TLS 1.3, plain MQTT sent to a TLS port.
		return "Error: The connection was lost.\n", 7, true
	case errors.As(err, &tlsErr):
		// OpenSSL's handshake failed. On a loopback broker mosquitto sometimes finishes the handshake
		// inside mosquitto_connect and says "Unable to connect (A TLS error occurred.)." with exit 1;
		// across any real network round trip it is this (checked with mosquitto 2.0.11).
		return "Error: A TLS error occurred.\n", 8, true
	case errors.As(err, &dns):
		return "Unable to connect (Lookup error.).\n", 1, true
	case errors.As(err, &errno):
		return "Error: " + strerror(errno) + "\n", 1, true
	}
	return "", 0, false
}

// strerror is glibc's text for errno: Go's is the same but for the capital letter.
func strerror(e syscall.Errno) string {
	s := e.Error()
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
