package transport_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// tlsServer accepts TLS connections on 127.0.0.1, completes the handshake and writes "ok".
func tlsServer(t *testing.T, cfg *tls.Config) int {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
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
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				if conn.(*tls.Conn).Handshake() == nil {
					conn.Write([]byte("ok"))
				}
			})
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// exchange dials and reads the server's "ok". With TLS 1.3 the server judges the client's
// certificate after the client considers the handshake done, so a refusal shows on the first read.
func exchange(d transport.Dialer) (*tls.ConnectionState, error) {
	conn, err := d.Dial(context.Background())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 2)
	if _, err := io.ReadFull(conn, buf); err != nil {
		return nil, err
	}
	cs := conn.(interface{ ConnectionState() tls.ConnectionState }).ConnectionState()
	return &cs, nil
}

func TestTLSVerification(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	serve := func(p *testcert.Pair) int {
		return tlsServer(t, &tls.Config{Certificates: []tls.Certificate{p.TLS()}})
	}
	good, wrongName, expired := serve(certs.Server), serve(certs.WrongName), serve(certs.Expired)

	tests := []struct {
		name    string
		port    int
		host    string
		opts    transport.TLSOptions
		wantErr any // nil, or a pointer to the error type expected
	}{
		{"valid chain", good, "127.0.0.1", transport.TLSOptions{CAFile: files.CA}, nil},
		{"valid chain by name", good, "localhost", transport.TLSOptions{CAFile: files.CA}, nil},
		{"wrong name", wrongName, "127.0.0.1", transport.TLSOptions{CAFile: files.CA}, new(x509.HostnameError)},
		{"wrong name, insecure", wrongName, "127.0.0.1", transport.TLSOptions{CAFile: files.CA, Insecure: true}, nil},
		{"wrong name, server name given", wrongName, "127.0.0.1", transport.TLSOptions{CAFile: files.CA, ServerName: testcert.WrongName}, nil},
		{"unknown CA", good, "127.0.0.1", transport.TLSOptions{CAFile: files.OtherCA}, new(x509.UnknownAuthorityError)},
		{"unknown CA, insecure", good, "127.0.0.1", transport.TLSOptions{CAFile: files.OtherCA, Insecure: true}, new(x509.UnknownAuthorityError)},
		{"expired", expired, "127.0.0.1", transport.TLSOptions{CAFile: files.CA}, new(x509.CertificateInvalidError)},
		{"expired, insecure", expired, "127.0.0.1", transport.TLSOptions{CAFile: files.CA, Insecure: true}, new(x509.CertificateInvalidError)},
		{"CA path", good, "127.0.0.1", transport.TLSOptions{CAPath: caDir(t, certs)}, nil},
		{"CA path and other CA file", good, "127.0.0.1", transport.TLSOptions{CAFile: files.OtherCA, CAPath: caDir(t, certs)}, nil},
		{"system roots only", good, "127.0.0.1", transport.TLSOptions{UseOSCerts: true}, new(x509.UnknownAuthorityError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := transport.TLSConfig(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = exchange(transport.Dialer{Scheme: transport.TLS, Host: tt.host, Port: tt.port, TLS: cfg})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("exchange: %v", err)
				}
				return
			}
			if err == nil || !errors.As(err, tt.wantErr) {
				t.Fatalf("exchange error = %v, want %T", err, tt.wantErr)
			}
		})
	}
}

// caDir is a directory like an OpenSSL capath: the CA beside files that hold no certificate.
func caDir(t *testing.T, certs *testcert.Set) string {
	dir := t.TempDir()
	files := map[string][]byte{
		"5d8b0f1e.0": certs.CA.CertPEM,
		"README":     []byte("not a certificate\n"),
		"client.key": certs.Client.KeyPEM,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTLSClientCertificate(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	port := tlsServer(t, certs.MutualServerConfig())
	for _, tc := range []struct {
		name string
		opts transport.TLSOptions
		ok   bool
	}{
		{"none", transport.TLSOptions{CAFile: files.CA}, false},
		{"signed by the CA", transport.TLSOptions{CAFile: files.CA, CertFile: files.ClientCert, KeyFile: files.ClientKey}, true},
		{"server's, not for clients", transport.TLSOptions{CAFile: files.CA, CertFile: files.ServerCert, KeyFile: files.ServerKey}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := transport.TLSConfig(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = exchange(transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: port, TLS: cfg})
			if (err == nil) != tc.ok {
				t.Fatalf("exchange error = %v, want success %v", err, tc.ok)
			}
		})
	}
}

// mosquitto's --tls-version sets a minimum only: tlsv1.2 still negotiates 1.3.
func TestTLSVersion(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	only := func(v uint16) int {
		return tlsServer(t, &tls.Config{Certificates: []tls.Certificate{certs.Server.TLS()}, MinVersion: v, MaxVersion: v})
	}
	v12, v13 := only(tls.VersionTLS12), only(tls.VersionTLS13)
	tests := []struct {
		version string
		port    int
		want    uint16 // 0: the handshake must fail
	}{
		{"", v12, tls.VersionTLS12},
		{"", v13, tls.VersionTLS13},
		{"tlsv1.2", v13, tls.VersionTLS13},
		{"tlsv1.2", v12, tls.VersionTLS12},
		{"tlsv1.3", v13, tls.VersionTLS13},
		{"tlsv1.3", v12, 0},
		{"tlsv1.1", v12, tls.VersionTLS12},
	}
	for _, tt := range tests {
		cfg, err := transport.TLSConfig(transport.TLSOptions{CAFile: files.CA, Version: tt.version})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := exchange(transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: tt.port, TLS: cfg})
		switch {
		case tt.want == 0 && err == nil:
			t.Errorf("%q against %s: connected", tt.version, tls.VersionName(cs.Version))
		case tt.want != 0 && err != nil:
			t.Errorf("%q: %v", tt.version, err)
		case tt.want != 0 && cs.Version != tt.want:
			t.Errorf("%q: negotiated %s, want %s", tt.version, tls.VersionName(cs.Version), tls.VersionName(tt.want))
		}
	}
}

func TestTLSALPN(t *testing.T) {
	certs := testcert.New(t)
	port := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{certs.Server.TLS()}, NextProtos: []string{"mqtt", "x-other"}})
	cfg, err := transport.TLSConfig(transport.TLSOptions{CAFile: certs.Files(t).CA, ALPN: []string{"mqtt"}})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := exchange(transport.Dialer{Scheme: transport.TLS, Host: "127.0.0.1", Port: port, TLS: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if cs.NegotiatedProtocol != "mqtt" {
		t.Errorf("negotiated %q, want mqtt", cs.NegotiatedProtocol)
	}
}
