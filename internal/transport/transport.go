// Package transport opens the byte stream an MQTT session runs over: TCP, TLS, WebSocket, secure
// WebSocket or a unix socket, optionally through a SOCKS5 proxy. Both MQTT libraries get a plain net.Conn
// from here, so every transport works on every protocol version.
package transport

import (
	"crypto/tls"
	"io"
	"time"
)

// Scheme names a transport.
type Scheme string

const (
	TCP  Scheme = "tcp"
	TLS  Scheme = "tls"
	WS   Scheme = "ws"
	WSS  Scheme = "wss"
	Unix Scheme = "unix"
)

// Dialer says where and how to connect.
type Dialer struct {
	Scheme Scheme
	// Host is a name or an address, IPv6 with or without brackets; empty means localhost.
	Host string
	// Port zero means the scheme's default (DefaultPort).
	Port int
	// Path is the WebSocket request path; empty means "/mqtt".
	Path string
	// UnixPath is the socket file for Scheme Unix.
	UnixPath string
	// BindAddress is the local address to bind (mosquitto's -A).
	BindAddress string
	// NoDelay disables Nagle's algorithm (mosquitto's --nodelay).
	NoDelay bool
	// Proxy is a socks5:// or socks5h:// URL, with optional user:password@.
	Proxy string
	// TLS is used for Scheme TLS and WSS.
	TLS *tls.Config
	// Timeout bounds the whole dial, TLS and WebSocket handshakes included; zero means none.
	Timeout time.Duration
}

// TLSOptions are mosquitto's TLS flags.
type TLSOptions struct {
	CAFile     string
	CAPath     string
	CertFile   string
	KeyFile    string
	UseOSCerts bool
	// Insecure skips the check that the certificate names the host, as mosquitto's --insecure does;
	// the chain is still verified.
	Insecure bool
	// Version is mosquitto's --tls-version: tlsv1.3, tlsv1.2 or tlsv1.1; empty allows 1.2 and up.
	// As in mosquitto it is a minimum: later versions are still negotiated.
	Version    string
	ALPN       []string
	ServerName string
	// KeyLog receives the TLS secrets of each connection in the NSS key log format, for Wireshark to
	// decrypt a capture (mosquitto 2.1's --tls-keylog); nil for none.
	KeyLog io.Writer
}
