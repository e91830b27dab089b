package transport_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// plainServer accepts TCP connections on 127.0.0.1 and hands each to serve, which the caller uses to
// play a port that is not TLS.
func plainServer(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				serve(conn)
			})
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// readHello reads the ClientHello record whole, so that closing afterwards is a clean close rather
// than a reset over unread bytes.
func readHello(conn net.Conn) {
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	header := make([]byte, 5)
	if _, err := io.ReadFull(conn, header); err != nil {
		return
	}
	io.ReadFull(conn, make([]byte, int(header[3])<<8|int(header[4])))
}

// hangUpOnHello closes after the ClientHello, as a plain MQTT broker does with bytes it cannot parse.
func hangUpOnHello(conn net.Conn) { readHello(conn) }

// answerWith answers the ClientHello with bytes that are not TLS, then closes.
func answerWith(answer string) func(net.Conn) {
	return func(conn net.Conn) {
		readHello(conn)
		conn.Write([]byte(answer))
	}
}

func serveCert(t *testing.T, p *testcert.Pair) int {
	return tlsServer(t, &tls.Config{Certificates: []tls.Certificate{p.TLS()}})
}

func dialTLS(t *testing.T, scheme transport.Scheme, port int, cfg *tls.Config) error {
	t.Helper()
	_, err := exchange(transport.Dialer{Scheme: scheme, Host: "127.0.0.1", Port: port, TLS: cfg})
	if err == nil {
		t.Fatal("connected; want a TLS failure")
	}
	return err
}

// Each failure of our verification of the broker, and each port that is not TLS, is one sentence that
// names what is wrong and the flag that fixes it.
func TestTLSErrorsExplainTheBroker(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	good, wrong := serveCert(t, certs.Server), serveCert(t, certs.WrongName)
	expired, future := serveCert(t, certs.Expired), serveCert(t, certs.NotYetValid)
	self, client := serveCert(t, certs.SelfSigned), serveCert(t, certs.Client)
	hangsUp := plainServer(t, hangUpOnHello)
	// A CONNACK is shorter than a TLS record header; an HTTP answer is a record header that is wrong.
	mqtt, http := plainServer(t, answerWith("\x20\x02\x00\x00")), plainServer(t, answerWith("HTTP/1.1 400 Bad Request\r\n\r\n"))
	addr := func(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

	tests := []struct {
		name    string
		scheme  transport.Scheme
		port    int
		opts    transport.TLSOptions
		problem transport.TLSProblem
		want    string // a regular expression for the whole message
	}{
		{"CA not given", transport.TLS, good, transport.TLSOptions{CAFile: files.OtherCA}, transport.UntrustedCA,
			`^the broker's certificate is signed by an authority we do not trust \(CN=mqtt test CA,O=mqtt tests\): pass that CA's certificate with --cafile, or --tls-use-os-certs if it is a public CA\.$`},
		{"system CAs only", transport.TLS, good, transport.TLSOptions{UseOSCerts: true}, transport.UntrustedCA,
			`^the broker's certificate is signed by an authority this system does not trust \(CN=mqtt test CA,O=mqtt tests\): pass that CA's certificate with --cafile\.$`},
		{"self-signed", transport.TLS, self, transport.TLSOptions{CAFile: files.CA}, transport.UntrustedCA,
			`^the broker's certificate is self-signed \(CN=mqtt self-signed server,O=mqtt tests\): trust it by passing that certificate itself with --cafile\.$`},
		{"wrong name", transport.TLS, wrong, transport.TLSOptions{CAFile: files.CA}, transport.WrongName,
			`^the broker's certificate is for wrong\.example, not for 127\.0\.0\.1: connect with that name \(-h wrong\.example\), or fix the certificate\.$`},
		{"none of several names", transport.TLS, good, transport.TLSOptions{CAFile: files.CA, ServerName: "mqtt.invalid"}, transport.WrongName,
			`^the broker's certificate is for localhost, 127\.0\.0\.1, ::1, not for mqtt\.invalid: connect with one of those names \(-h\), or fix the certificate\.$`},
		{"common name only", transport.TLS, client, transport.TLSOptions{CAFile: files.CA}, transport.WrongName,
			`^the broker's certificate gives its name only as a common name \(CN=mqtt-test-client\), which is no longer accepted: reissue it with the name as a subject alternative name\.$`},
		{"expired", transport.TLS, expired, transport.TLSOptions{CAFile: files.CA}, transport.CertExpired,
			`^the broker's certificate expired on ` + stamp(certs.Expired.Cert.NotAfter) + ` \(it is now \d{4}-\d\d-\d\d \d\d:\d\d UTC\): renew it, or check this machine's clock\.$`},
		{"expired, insecure", transport.TLS, expired, transport.TLSOptions{CAFile: files.CA, Insecure: true}, transport.CertExpired,
			`^the broker's certificate expired on ` + stamp(certs.Expired.Cert.NotAfter) + ` `},
		{"not yet valid", transport.TLS, future, transport.TLSOptions{CAFile: files.CA}, transport.CertNotYetValid,
			`^the broker's certificate is not valid until ` + stamp(certs.NotYetValid.Cert.NotBefore) + ` \(it is now \d{4}-\d\d-\d\d \d\d:\d\d UTC\): check this machine's clock\.$`},
		{"client's certificate on the server", transport.TLS, client, transport.TLSOptions{CAFile: files.CA, Insecure: true}, transport.NotForServers,
			`^the broker's certificate is not issued for a server \(its extended key usage lacks serverAuth\): reissue it for server use\.$`},
		{"plain port hangs up", transport.TLS, hangsUp, transport.TLSOptions{CAFile: files.CA}, transport.NotTLS,
			`^` + addr(hangsUp) + ` closed the connection without answering the TLS handshake: if it is the plain MQTT port, use the broker's TLS port \(usually 8883\)\.$`},
		{"plain port answers", transport.TLS, mqtt, transport.TLSOptions{CAFile: files.CA}, transport.NotTLS,
			`^` + addr(mqtt) + ` does not speak TLS: if it is the plain MQTT port, use the broker's TLS port \(usually 8883\)\.$`},
		{"HTTP port", transport.TLS, http, transport.TLSOptions{CAFile: files.CA}, transport.NotTLS,
			`^` + addr(http) + ` does not speak TLS: `},
		{"wss to a plain port", transport.WSS, hangsUp, transport.TLSOptions{CAFile: files.CA}, transport.NotTLS,
			`^` + addr(hangsUp) + ` closed the connection without answering the TLS handshake: if it is a plain WebSocket port, use the broker's secure WebSocket port\.$`},
		{"wss, wrong name", transport.WSS, wrong, transport.TLSOptions{CAFile: files.CA}, transport.WrongName,
			`^the broker's certificate is for wrong\.example, not for 127\.0\.0\.1: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := transport.TLSConfig(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			err = dialTLS(t, tt.scheme, tt.port, cfg)
			var te *transport.TLSError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want a *TLSError", err, err)
			}
			if te.Problem != tt.problem || te.AfterConnect {
				t.Errorf("Problem %d, AfterConnect %v; want %d during the handshake", te.Problem, te.AfterConnect, tt.problem)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("message\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }

// A broker that refuses our client certificate says so, during the handshake under TLS 1.2 and on the
// first read under TLS 1.3, where the broker judges the certificate after our side is done.
func TestTLSErrorsExplainClientCertificates(t *testing.T) {
	certs := testcert.New(t)
	mutual := func(version uint16) int {
		cfg := certs.MutualServerConfig()
		cfg.MaxVersion = version
		return tlsServer(t, cfg)
	}
	v12, v13 := mutual(tls.VersionTLS12), mutual(tls.VersionTLS13)
	const (
		required = `^the broker requires a client certificate: pass one with --cert and --key\.$`
		refused  = `^the broker refused our client certificate \(bad certificate\): check --cert and --key, and that the broker trusts the CA that signed them\.$`
	)
	tests := []struct {
		name    string
		port    int
		cert    *testcert.Pair
		problem transport.TLSProblem
		after   bool
		want    string
		wss     bool
	}{
		{"none, TLS 1.3", v13, nil, transport.ClientCertRequired, true, required, false},
		{"none, TLS 1.2", v12, nil, transport.ClientCertRequired, false, required, false},
		// The alert is read with the answer to the WebSocket upgrade.
		{"none, wss", v13, nil, transport.ClientCertRequired, true, required, true},
		{"not for clients, TLS 1.3", v13, certs.Server, transport.ClientCertRefused, true, refused, false},
		{"not for clients, TLS 1.2", v12, certs.Server, transport.ClientCertRefused, false, refused, false},
		{"expired", v13, certs.Expired, transport.ClientCertRefused, true,
			`^the broker refused our client certificate, which expired on ` + stamp(certs.Expired.Cert.NotAfter) + `: renew the certificate given with --cert\.$`, false},
		// The broker names the CAs it accepts, and crypto/tls sends nothing rather than a certificate
		// from another.
		{"from another CA", v13, certs.OtherCA, transport.ClientCertRefused, true,
			`^the broker asked for a client certificate from a CA it trusts, and the one given with --cert is not signed by one: use a certificate from the broker's CA\.$`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := certs.ClientConfig()
			if tt.cert != nil {
				cfg.Certificates = []tls.Certificate{tt.cert.TLS()}
			}
			scheme := transport.TLS
			if tt.wss {
				scheme = transport.WSS
			}
			err := dialTLS(t, scheme, tt.port, cfg)
			var te *transport.TLSError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want a *TLSError", err, err)
			}
			if te.Problem != tt.problem || te.AfterConnect != tt.after {
				t.Errorf("Problem %d, AfterConnect %v; want %d, %v", te.Problem, te.AfterConnect, tt.problem, tt.after)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("message\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// Under TLS 1.3 the first write can meet the reset of a broker that has already refused us and hung
// up; the alert waiting in the socket still says why.
func TestTLSErrorsExplainRefusalOnWrite(t *testing.T) {
	certs := testcert.New(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", certs.MutualServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		conn.(*tls.Conn).Handshake() // fails: no client certificate; the alert is sent
		conn.Close()
		close(closed)
	})
	port := ln.Addr().(*net.TCPAddr).Port
	conn, err := transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: port, TLS: certs.ClientConfig()}.Dial(context.Background())
	if err != nil {
		t.Fatalf("dial: %v (TLS 1.3 should leave the verdict for later)", err)
	}
	defer conn.Close()
	<-closed
	// The first write reaches a closed socket and draws the reset; a later one fails on it.
	deadline := time.Now().Add(10 * time.Second)
	for err == nil {
		if time.Now().After(deadline) {
			t.Fatal("writes to a closed connection kept succeeding")
		}
		_, err = conn.Write([]byte("CONNECT"))
	}
	var te *transport.TLSError
	if !errors.As(err, &te) || te.Problem != transport.ClientCertRequired || !te.AfterConnect {
		t.Fatalf("write error %v (%T), want the refusal explained", err, err)
	}
}

func TestExplainHangup(t *testing.T) {
	eof := fmt.Errorf("waiting for CONNACK: %w", io.EOF)
	reset := fmt.Errorf("waiting for CONNACK: %w", &net.OpError{Op: "read", Err: syscall.ECONNRESET})
	plain := transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: 8883}
	const want = "127.0.0.1:8883 closed the connection without answering: if it is a TLS port, connect with --cafile or --tls-use-os-certs (or an mqtts:// URL)."
	for _, err := range []error{eof, reset} {
		got := plain.ExplainHangup(err)
		var te *transport.TLSError
		if !errors.As(got, &te) || te.Problem != transport.PlainToTLS || !te.AfterConnect || got.Error() != want || !errors.Is(got, err) {
			t.Errorf("ExplainHangup(%v) = %v", err, got)
		}
	}
	// Not a hang-up, already TLS, or perhaps the proxy's: left as they are.
	other := errors.New("waiting for CONNACK: malformed packet")
	proxied := plain
	proxied.Proxy = "socks5://127.0.0.1:1080"
	tlsDialer := plain
	tlsDialer.Scheme = transport.TLS
	for _, c := range []struct {
		d   transport.Dialer
		err error
	}{{plain, other}, {proxied, eof}, {tlsDialer, eof}} {
		if got := c.d.ExplainHangup(c.err); got != c.err {
			t.Errorf("%s via %q: ExplainHangup(%v) = %v, want it unchanged", c.d.Scheme, c.d.Proxy, c.err, got)
		}
	}
}

// Giving up on a broker that never answers is not explained as a TLS problem.
func TestTLSErrorsLeaveCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	silent := plainServer(t, func(conn net.Conn) {
		readHello(conn) // the handshake is under way
		cancel()
		conn.Read(make([]byte, 1)) // until the client hangs up
	})
	certs := testcert.New(t)
	_, err := transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: silent, TLS: certs.ClientConfig()}.Dial(ctx)
	var te *transport.TLSError
	if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Fatalf("error %v, want the cancellation as it is", err)
	}
}
