package cmd

import (
	"errors"
	"net"
	"strconv"
	"time"

	"mqtt/internal/connspec"
	"mqtt/internal/mosqargs"
	"mqtt/internal/session"
)

// linkedConn turns mosquitto's configuration into session options; text is mosquitto's message for a
// configuration that fails when it connects.
func linkedConn(c *mosqargs.Config) (*connOptions, string) {
	if c.PSK != nil || c.TLSEngine != nil {
		return nil, "Error: " + usageErr(errNotSupported, "--psk and --tls-engine", "Go's TLS has neither").Error() + "\n"
	}
	s, err := connspec.Build(linkedSettings(c), connspec.Mosquitto)
	var tlsErr *connspec.TLSSetupError
	switch {
	case errors.As(err, &tlsErr):
		return nil, "Error: Problem setting TLS options: File not found.\n"
	case errors.Is(err, connspec.ErrNoHost):
		return nil, "Unable to connect (Lookup error.).\n"
	case err != nil: // no socket path, or a port -L gave above 65535
		return nil, "Unable to connect (Invalid function arguments provided.).\n"
	}
	return &connOptions{Session: s, Props: c.Props, Quiet: c.Quiet, Debug: c.Debug, DebugToStdout: true}, ""
}

// linkedSettings are the connection settings of mosquitto's configuration.
func linkedSettings(c *mosqargs.Config) connspec.Settings {
	s := connspec.Settings{
		Version: byte(c.ProtocolVersion), Host: c.Host, Port: c.ConnectPort(), BindAddress: c.BindAddress,
		NoDelay: c.NoDelay, WebSocket: c.WebSocket, ClientID: c.ID, IDPrefix: c.IDPrefix,
		KeepAlive: time.Duration(c.Keepalive) * time.Second, CleanSession: c.CleanSession,
		Username: c.Username, Password: c.Password, ConnectProps: c.Props.Connect, MaxInflight: c.MaxInflight,
		// libmosquitto always appends its receive-maximum; the broker's flow control then matches.
		ReceiveMaximum: uint16(c.ReceiveMaximum()),
	}
	if c.Program == mosqargs.RR {
		s.ReceiveMaximum = 1
	}
	if s.Port == 0 {
		s.Unix, s.UnixPath = true, c.Host
	}
	if p := c.Proxy; p != nil {
		u := "socks5h://"
		if p.Username != nil {
			u += *p.Username
			if p.Password != nil {
				u += ":" + *p.Password
			}
			u += "@"
		}
		s.Proxy = u + net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
	}
	// mosquitto tells a path given empty from none: --capath "" turns TLS on.
	s.TLS = connspec.TLS{
		On:      c.CAFile != nil || c.CAPath != nil || c.TLSUseOSCerts,
		OSCerts: c.TLSUseOSCerts, Insecure: c.Insecure,
		CAFile: deref(c.CAFile), CAPath: deref(c.CAPath), CertFile: deref(c.CertFile), KeyFile: deref(c.KeyFile),
		Version: deref(c.TLSVersion), ALPN: deref(c.TLSALPN),
	}
	if w := c.WillTopic; w != nil {
		s.Will = &session.Will{Topic: *w, QoS: byte(c.WillQoS), Retain: c.WillRetain, Props: c.Props.Will}
		if c.WillPayload != nil {
			s.Will.Payload = []byte(*c.WillPayload)
		}
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
