package connspec

import (
	"crypto/tls"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// dialWant is what a test checks of a dialer: where it connects, and how TLS is set up (roots is
// "system" for the system's CAs alone, "ca" for the test CA alone, "ca+system" for both).
type dialWant struct {
	scheme transport.Scheme
	host   string
	port   int
	unix   string
	tls    bool
	roots  string
	err    error
}

// errSetup stands for any TLSSetupError in a dialWant.
var errSetup = errors.New("TLSSetupError")

func ptr[T any](v T) *T { return &v }

// Each rule in which the dialects differ, and the ones they share, from settings to dialer.
func TestBuildDialer(t *testing.T) {
	certs := testcert.New(t)
	f := certs.Files(t)
	caOnly := TLS{On: true, CAFile: f.CA}
	osCerts := TLS{On: true, OSCerts: true}
	clientCert := TLS{CertFile: f.ClientCert, KeyFile: f.ClientKey}
	missingCA := TLS{On: true, CAFile: f.Dir + "/missing.crt"}
	tcp := func(port int) dialWant { return dialWant{scheme: transport.TCP, host: "b", port: port} }
	withTLS := func(w dialWant, scheme transport.Scheme, roots string) dialWant {
		w.scheme, w.tls, w.roots = scheme, true, roots
		return w
	}
	errIs := func(err error) dialWant { return dialWant{err: err} }
	setupFailed := errSetup

	cases := []struct {
		name              string
		s                 Settings
		native, mosquitto dialWant
	}{
		{"no port, no TLS: 1883", Settings{Host: "b"}, tcp(1883), tcp(1883)},
		{"a port is kept", Settings{Host: "b", Port: 1999}, tcp(1999), tcp(1999)},
		{"port 8883 implies TLS in mosquitto mode, with the system's CAs",
			Settings{Host: "b", Port: 8883}, tcp(8883), withTLS(tcp(8883), transport.TLS, "system")},
		{"TLS implies 8883 natively; mosquitto's default port is given by mosqargs",
			Settings{Host: "b", TLS: osCerts}, withTLS(tcp(8883), transport.TLS, "system"), withTLS(tcp(1883), transport.TLS, "system")},
		{"a CA turns TLS on in both", Settings{Host: "b", Port: 8883, TLS: caOnly},
			withTLS(tcp(8883), transport.TLS, "ca"), withTLS(tcp(8883), transport.TLS, "ca")},
		{"OS certificates are added to a CA", Settings{Host: "b", Port: 1, TLS: TLS{On: true, CAFile: f.CA, OSCerts: true}},
			withTLS(tcp(1), transport.TLS, "ca+system"), withTLS(tcp(1), transport.TLS, "ca+system")},
		{"a client certificate without TLS: refused natively, left out in mosquitto mode",
			Settings{Host: "b", TLS: clientCert}, errIs(ErrCertWithoutTLS), tcp(1883)},
		{"an empty host is localhost natively, a failure in mosquitto mode",
			Settings{}, dialWant{scheme: transport.TCP, port: 1883}, errIs(ErrNoHost)},
		{"a port above 65535 fails in both", Settings{Host: "b", Port: 70000}, errIs(ErrPortRange), errIs(ErrPortRange)},
		{"a unix socket", Settings{Host: "b", Unix: true, UnixPath: "/s"},
			dialWant{scheme: transport.Unix, host: "b", port: 1883, unix: "/s"}, dialWant{scheme: transport.Unix, host: "b", port: 1883, unix: "/s"}},
		{"an empty socket path fails in mosquitto mode", Settings{Unix: true},
			dialWant{scheme: transport.Unix, port: 1883}, errIs(ErrNoSocketPath)},
		{"a unix socket's TLS settings are read natively, not in mosquitto mode",
			Settings{Host: "b", Unix: true, UnixPath: "/s", TLS: missingCA}, errIs(setupFailed),
			dialWant{scheme: transport.Unix, host: "b", port: 1883, unix: "/s"}},
		{"a unix socket keeps its checked TLS natively",
			Settings{Host: "b", Unix: true, UnixPath: "/s", TLS: caOnly},
			dialWant{scheme: transport.Unix, host: "b", port: 8883, unix: "/s", tls: true, roots: "ca"},
			dialWant{scheme: transport.Unix, host: "b", port: 1883, unix: "/s"}},
		{"WebSocket", Settings{Host: "b", Port: 80, WebSocket: true},
			dialWant{scheme: transport.WS, host: "b", port: 80}, dialWant{scheme: transport.WS, host: "b", port: 80}},
		{"secure WebSocket", Settings{Host: "b", Port: 443, WebSocket: true, TLS: osCerts},
			withTLS(dialWant{host: "b", port: 443}, transport.WSS, "system"), withTLS(dialWant{host: "b", port: 443}, transport.WSS, "system")},
		{"WebSocket to 8883 is secure in mosquitto mode", Settings{Host: "b", Port: 8883, WebSocket: true},
			dialWant{scheme: transport.WS, host: "b", port: 8883}, withTLS(dialWant{host: "b", port: 8883}, transport.WSS, "system")},
		{"a CA file that cannot be read", Settings{Host: "b", Port: 1, TLS: missingCA}, errIs(setupFailed), errIs(setupFailed)},
		{"an unknown TLS version", Settings{Host: "b", Port: 1, TLS: TLS{On: true, Version: "tlsv9"}}, errIs(setupFailed), errIs(setupFailed)},
	}
	for _, c := range cases {
		for _, d := range []struct {
			name    string
			dialect Dialect
			want    dialWant
		}{{"native", Native, c.native}, {"mosquitto", Mosquitto, c.mosquitto}} {
			o, err := Build(c.s, d.dialect)
			got := describeDialer(o.Dial, certs, err)
			if got != d.want {
				t.Errorf("%s, %s:\n got %+v\nwant %+v", c.name, d.name, got, d.want)
			}
		}
	}
}

func describeDialer(d transport.Dialer, certs *testcert.Set, err error) dialWant {
	var setup *TLSSetupError
	switch {
	case errors.As(err, &setup):
		return dialWant{err: errSetup}
	case err != nil:
		return dialWant{err: err}
	}
	w := dialWant{scheme: d.Scheme, host: d.Host, port: d.Port, unix: d.UnixPath, tls: d.TLS != nil}
	if d.TLS != nil {
		w.roots = roots(d.TLS, certs)
	}
	return w
}

func roots(c *tls.Config, certs *testcert.Set) string {
	switch {
	case c.RootCAs == nil:
		return "system"
	case c.RootCAs.Equal(certs.Pool()):
		return "ca"
	}
	return "ca+system"
}

// The TLS settings reach the handshake's configuration, the host naming the certificate to expect.
func TestBuildTLSConfig(t *testing.T) {
	f := testcert.New(t).Files(t)
	s := Settings{Host: "broker.example", Port: 8883, TLS: TLS{
		On: true, CAFile: f.CA, CertFile: f.ClientCert, KeyFile: f.ClientKey, Insecure: true, Version: "tlsv1.3", ALPN: "mqtt",
	}}
	for _, d := range []Dialect{Native, Mosquitto} {
		o, err := Build(s, d)
		if err != nil {
			t.Fatal(err)
		}
		c := o.Dial.TLS
		if c.ServerName != "broker.example" || c.MinVersion != tls.VersionTLS13 || len(c.Certificates) != 1 ||
			len(c.NextProtos) != 1 || c.NextProtos[0] != "mqtt" || !c.InsecureSkipVerify || c.VerifyConnection == nil {
			t.Errorf("%+v: TLS config %+v", d, c)
		}
	}
	o, err := Build(Settings{Host: "b", Port: 8883, TLS: TLS{On: true}}, Native)
	if err != nil || len(o.Dial.TLS.NextProtos) != 0 || o.Dial.TLS.InsecureSkipVerify || o.Dial.TLS.MinVersion != tls.VersionTLS12 {
		t.Errorf("no ALPN, checked names and TLS 1.2 unless asked: %v %+v", err, o.Dial.TLS)
	}
}

// The MQTT part of the settings is the same in both dialects.
func TestBuildSession(t *testing.T) {
	user, pass := "u", "p"
	connect := &message.Properties{User: []message.UserProperty{{Key: "k", Value: "v"}}}
	will := &message.Properties{ContentType: "text/plain"}
	s := Settings{
		Version: session.V5, Host: "b", Port: 1, NoDelay: true, BindAddress: "127.0.0.1", Proxy: "socks5h://p:1080",
		WSPath: "/ws", ClientID: ptr("me"), KeepAlive: 30e9, CleanSession: true, Username: &user, Password: &pass,
		Will:         &session.Will{Topic: "w", Payload: []byte("bye"), QoS: 2, Retain: true, Props: will},
		ConnectProps: connect, MaxInflight: 7,
	}
	for _, d := range []Dialect{Native, Mosquitto} {
		o, err := Build(s, d)
		if err != nil {
			t.Fatal(err)
		}
		if o.Version != session.V5 || o.ClientID != "me" || o.KeepAlive != 30e9 || !o.CleanSession || o.Username != &user ||
			o.Password != &pass || o.MaxInflight != 7 || o.ConnectProps != connect {
			t.Errorf("%+v: options %+v", d, o)
		}
		if w := o.Will; w == nil || w.Topic != "w" || string(w.Payload) != "bye" || w.QoS != 2 || !w.Retain || w.Props != will {
			t.Errorf("%+v: will %+v", d, o.Will)
		}
		dl := o.Dial
		if !dl.NoDelay || dl.BindAddress != "127.0.0.1" || dl.Proxy != "socks5h://p:1080" || dl.Path != "/ws" || dl.Timeout != DialTimeout {
			t.Errorf("%+v: dialer %+v", d, dl)
		}
	}
}

// The client id: given, a prefix and the process id, or none for the broker to assign, except on MQTT
// 3.1, which needs one.
func TestBuildClientID(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Version: session.V311, ClientID: ptr("me"), IDPrefix: ptr("x")}, "me"},
		{Settings{Version: session.V31, ClientID: ptr("")}, ""},
		{Settings{Version: session.V5, IDPrefix: ptr("pre-")}, "pre-" + pid},
		{Settings{Version: session.V311}, ""},
		{Settings{Version: session.V5}, ""},
		{Settings{Version: session.V31}, "mosq-"},
	} {
		c.s.Host = "b"
		o, err := Build(c.s, Native)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == "mosq-" {
			if !strings.HasPrefix(o.ClientID, "mosq-") || len(o.ClientID) != 23 {
				t.Errorf("MQTT 3.1 without an id: %q, want libmosquitto's random mosq-...", o.ClientID)
			}
			continue
		}
		if o.ClientID != c.want {
			t.Errorf("%+v: id %q, want %q", c.s, o.ClientID, c.want)
		}
	}
}

// CONNECT properties and receive maximum go out on MQTT 5 only; a receive-maximum the user gave wins,
// and the settings' properties are never changed.
func TestBuildReceiveMaximum(t *testing.T) {
	given := uint16(7)
	user := &message.Properties{User: []message.UserProperty{{Key: "k", Value: "v"}}}
	for _, c := range []struct {
		name    string
		version byte
		props   *message.Properties
		rm      uint16
		want    uint16 // 0: no receive-maximum
		keepsUs bool   // the user's properties are still there
	}{
		{"none asked", session.V5, nil, 0, 0, false},
		{"asked, no properties", session.V5, nil, 20, 20, false},
		{"asked, with the user's", session.V5, user, 1, 1, true},
		{"the user's own wins", session.V5, &message.Properties{ReceiveMaximum: &given}, 20, 7, false},
		{"not on 3.1.1", session.V311, user, 20, 0, false},
	} {
		o, err := Build(Settings{Version: c.version, Host: "b", ConnectProps: c.props, ReceiveMaximum: c.rm}, Mosquitto)
		if err != nil {
			t.Fatal(err)
		}
		p := o.ConnectProps
		got := uint16(0)
		if p != nil && p.ReceiveMaximum != nil {
			got = *p.ReceiveMaximum
		}
		if got != c.want || c.keepsUs && len(p.User) != 1 || c.version != session.V5 && p != nil {
			t.Errorf("%s: CONNECT properties %+v, want receive-maximum %d", c.name, p, c.want)
		}
	}
	if user.ReceiveMaximum != nil {
		t.Error("Build changed the settings' properties")
	}
}

// ReceiveMaximum on options already built: what sub -C and rr ask for after the flags are read.
func TestReceiveMaximum(t *testing.T) {
	o := session.Options{Version: session.V311}
	ReceiveMaximum(&o, 3)
	if o.ConnectProps != nil {
		t.Error("MQTT 3.1.1 has no receive-maximum")
	}
	o = session.Options{Version: session.V5}
	ReceiveMaximum(&o, 3)
	ReceiveMaximum(&o, 9)
	if o.ConnectProps == nil || *o.ConnectProps.ReceiveMaximum != 3 {
		t.Errorf("the first receive-maximum stays: %+v", o.ConnectProps)
	}
}
