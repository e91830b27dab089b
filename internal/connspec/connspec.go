// Package connspec is where and how to connect, as settings that neither command line owns: mqtt's own
// flags (with their MQTT_* variables and profiles) and mosquitto's command lines (internal/mosqargs) both
// fill a Settings, and Build, the one function that turns settings into a session's options and its
// dialer, makes the connection of both.
//
// The two command lines read some of the same settings differently. Each rule that differs is a field of
// Dialect (Native and Mosquitto are the two):
//
//   - Port 8883 implies TLS in mosquitto mode, with the system's CA certificates unless a CA is given
//     (client_opts_set in mosquitto's client_shared.c). Natively only the TLS settings turn TLS on.
//   - TLS implies port 8883 natively, when no port is given. mosquitto's clients always give Build a port:
//     their default (mosqargs.Config.ConnectPort) is 8883 only with a CA or a PSK, so that
//     --tls-use-os-certs alone is TLS on port 1883.
//   - A client certificate without TLS is refused natively (ErrCertWithoutTLS): the broker would never
//     see it. mosquitto's clients leave it out without a word.
//   - An empty host, an empty socket path and a port above 65535 fail in mosquitto mode (ErrNoHost,
//     ErrNoSocketPath, ErrPortRange), where libmosquitto's connect fails; natively an empty host is
//     localhost, and the flag parser has checked the port.
//   - A unix socket takes no TLS in mosquitto mode: its TLS settings are not even read. Natively they are
//     read and checked (a CA file that cannot be read is an error) though the socket does not use them.
//
// Other differences are values the command lines put into Settings, not rules of Build:
//
//   - Receive maximum: mosquitto mode always sends one, as libmosquitto appends it (20, sub's -C when
//     smaller, 1 for rr); mqtt's own commands only for sub -C and rr (see ReceiveMaximum).
//   - The WebSocket path: --ws-path natively (/mqtt unless given); none in mosquitto mode, which leaves
//     the transport's default, also /mqtt.
//   - TLS asked for by a path given empty: mosquitto tells a --capath "" from none and turns TLS on for
//     it; natively an empty value is no value.
//   - OS certificates with a CA: natively an mqtts:// URL trusts the system's CAs only when no CA is
//     given; mosquitto's mqtts:// sets --tls-use-os-certs, which adds them to any CA.
package connspec

import (
	"errors"
	"io"
	"os"
	"strconv"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// Settings say where and how to connect, whichever command line gave them.
type Settings struct {
	// Version is the protocol version as CONNECT carries it (session.V31, V311, V5).
	Version byte

	// Host and Port are the broker's address; Port zero means none was given (see Dialect).
	Host string
	Port int
	// Unix connects to the socket at UnixPath instead of Host and Port.
	Unix     bool
	UnixPath string
	// WebSocket carries MQTT over WebSocket (secure WebSocket with TLS) to WSPath; empty is /mqtt.
	WebSocket   bool
	WSPath      string
	BindAddress string
	NoDelay     bool
	// Proxy is a socks5:// or socks5h:// URL; empty for none.
	Proxy string
	TLS   TLS

	// ClientID, when set, is the id; else IDPrefix, when set, followed by the process id; else the
	// broker assigns one, except on MQTT 3.1, which needs one: a random one is made, as libmosquitto does.
	ClientID     *string
	IDPrefix     *string
	KeepAlive    time.Duration
	CleanSession bool
	Username     *string
	Password     *string
	Will         *session.Will
	// ConnectProps are the MQTT 5 CONNECT properties; not sent on 3.1 and 3.1.1.
	ConnectProps *message.Properties
	// ReceiveMaximum, when not zero, is asked for in an MQTT 5 CONNECT whose properties name none.
	ReceiveMaximum uint16
	// MaxInflight bounds the QoS 1 and 2 publishes awaiting acknowledgement; zero is the session's default.
	MaxInflight int
}

// TLS are the TLS settings.
type TLS struct {
	// On asks for TLS: a CA, the system's CAs or an mqtts:// or wss:// URL did. A Dialect may add to it.
	On                bool
	CAFile, CAPath    string
	CertFile, KeyFile string
	// OSCerts trusts the system's CA certificates besides CAFile and CAPath; without either, they are
	// trusted anyway.
	OSCerts bool
	// Insecure skips the check that the certificate names the host; the chain is still checked.
	Insecure bool
	// Version is the lowest TLS version: tlsv1.3, tlsv1.2 or tlsv1.1; empty is 1.2.
	Version string
	// ALPN is the one protocol offered in the handshake; empty offers none.
	ALPN string
	// Off is mosquitto 2.1's --no-tls: no TLS, whatever the settings above, a TLS URL or the port say;
	// they are left unread.
	Off bool
	// KeyLog receives each connection's TLS secrets (--tls-keylog); nil for none.
	KeyLog io.Writer
}

// Dialect is how one family of command lines turns settings into a connection: each field is a rule
// in which mqtt's own commands and mosquitto's differ (see the package documentation).
type Dialect struct {
	// Port8883MeansTLS makes a connection to port 8883 TLS, whatever the TLS settings say.
	Port8883MeansTLS bool
	// TLSMeansPort8883 makes 8883, not 1883, the port of a TLS connection given none.
	TLSMeansPort8883 bool
	// CertNeedsTLS refuses a client certificate on a connection without TLS instead of leaving it out.
	CertNeedsTLS bool
	// EmptyAddressFails refuses an empty host or socket path instead of taking localhost.
	EmptyAddressFails bool
	// UnixWithoutTLS leaves the TLS settings of a unix socket connection unread.
	UnixWithoutTLS bool
}

var (
	// Native is mqtt's own commands.
	Native = Dialect{TLSMeansPort8883: true, CertNeedsTLS: true}
	// Mosquitto is the mosquitto clients, as mqtt runs when linked as one of them.
	Mosquitto = Dialect{Port8883MeansTLS: true, EmptyAddressFails: true, UnixWithoutTLS: true}
)

// DialTimeout bounds the dial and every handshake of a connection, as both command lines do.
const DialTimeout = 30 * time.Second

// The settings Build refuses. Each command line words them its own way.
var (
	ErrCertWithoutTLS = errors.New("a client certificate is given without TLS")
	ErrNoHost         = errors.New("no host to connect to")
	ErrNoSocketPath   = errors.New("no unix socket path to connect to")
	ErrPortRange      = errors.New("port out of range")
)

// TLSSetupError is a TLS setting that cannot be used: a CA, certificate or key file that cannot be read,
// or an unknown TLS version. It reads as the error it wraps.
type TLSSetupError struct{ Err error }

func (e *TLSSetupError) Error() string { return e.Err.Error() }
func (e *TLSSetupError) Unwrap() error { return e.Err }

// Build turns s into the options of a session, read as d reads them. The session's callbacks
// (OnMessage, Debug, Reconnect, ...) are the command's to set.
func Build(s Settings, d Dialect) (session.Options, error) {
	dial, err := s.dialer(d)
	if err != nil {
		return session.Options{}, err
	}
	o := session.Options{
		Version: s.Version, Dial: dial, ClientID: s.clientID(), CleanSession: s.CleanSession,
		KeepAlive: s.KeepAlive, Username: s.Username, Password: s.Password, Will: s.Will, MaxInflight: s.MaxInflight,
	}
	if s.Version == session.V5 {
		o.ConnectProps = s.ConnectProps
		if s.ReceiveMaximum > 0 {
			ReceiveMaximum(&o, s.ReceiveMaximum)
		}
	}
	return o, nil
}

// ReceiveMaximum makes an MQTT 5 CONNECT ask for at most n messages in flight, unless its properties
// already name a receive-maximum: a client that prints one reply needs no more.
func ReceiveMaximum(o *session.Options, n uint16) {
	if o.Version != session.V5 || o.ConnectProps != nil && o.ConnectProps.ReceiveMaximum != nil {
		return
	}
	p := o.ConnectProps.Clone()
	if p == nil {
		p = &message.Properties{}
	}
	p.ReceiveMaximum = &n
	o.ConnectProps = p
}

func (s *Settings) clientID() string {
	switch {
	case s.ClientID != nil:
		return *s.ClientID
	case s.IDPrefix != nil:
		return *s.IDPrefix + strconv.Itoa(os.Getpid())
	case s.Version == session.V31:
		return session.RandomClientID()
	}
	return ""
}

func (s *Settings) dialer(d Dialect) (transport.Dialer, error) {
	switch {
	case s.Unix && s.UnixPath == "" && d.EmptyAddressFails:
		return transport.Dialer{}, ErrNoSocketPath
	case s.Unix:
	case s.Port < 0 || s.Port > 65535:
		return transport.Dialer{}, ErrPortRange
	case s.Host == "" && d.EmptyAddressFails:
		return transport.Dialer{}, ErrNoHost
	}
	t := transport.Dialer{
		Scheme: transport.TCP, Host: s.Host, Port: s.Port, Path: s.WSPath, BindAddress: s.BindAddress,
		NoDelay: s.NoDelay, Proxy: s.Proxy, Timeout: DialTimeout,
	}
	useTLS := s.TLS.On && !s.TLS.Off
	if t.Port == 0 {
		t.Port = 1883
		if useTLS && d.TLSMeansPort8883 {
			t.Port = 8883
		}
	}
	useTLS = useTLS || t.Port == 8883 && d.Port8883MeansTLS
	if s.Unix && d.UnixWithoutTLS || s.TLS.Off {
		useTLS = false
	}
	switch {
	case s.Unix:
		t.Scheme, t.UnixPath = transport.Unix, s.UnixPath
	case s.WebSocket && useTLS:
		t.Scheme = transport.WSS
	case s.WebSocket:
		t.Scheme = transport.WS
	case useTLS:
		t.Scheme = transport.TLS
	}
	if !useTLS {
		if s.TLS.CertFile != "" && d.CertNeedsTLS && !s.TLS.Off {
			return transport.Dialer{}, ErrCertWithoutTLS
		}
		return t, nil
	}
	cfg, err := transport.TLSConfig(s.TLS.options(s.Host))
	if err != nil {
		return transport.Dialer{}, &TLSSetupError{err}
	}
	t.TLS = cfg
	return t, nil
}

func (t TLS) options(host string) transport.TLSOptions {
	o := transport.TLSOptions{
		CAFile: t.CAFile, CAPath: t.CAPath, CertFile: t.CertFile, KeyFile: t.KeyFile, UseOSCerts: t.OSCerts,
		Insecure: t.Insecure, Version: t.Version, ServerName: host, KeyLog: t.KeyLog,
	}
	if t.ALPN != "" {
		o.ALPN = []string{t.ALPN}
	}
	return o
}
