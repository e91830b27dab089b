package transport_test

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

func TestTLSConfigErrors(t *testing.T) {
	certs := testcert.New(t)
	f := certs.Files(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notPEM := write("not.pem", []byte("hello\n"))
	encrypted := write("encrypted.key", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	legacyEncrypted := write("legacy.key", pem.EncodeToMemory(&pem.Block{
		Type:    "EC PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"},
		Bytes:   []byte{1, 2, 3},
	}))
	emptyDir := t.TempDir()
	missing := filepath.Join(dir, "missing.crt")

	tests := []struct {
		name string
		opts transport.TLSOptions
		want []string // substrings of the error
	}{
		{"missing CA file", transport.TLSOptions{CAFile: missing}, []string{"cannot read CA file " + missing, "no such file"}},
		{"CA file not PEM", transport.TLSOptions{CAFile: notPEM}, []string{"CA file " + notPEM, "no PEM certificate"}},
		{"missing CA path", transport.TLSOptions{CAPath: missing}, []string{"cannot read CA directory " + missing}},
		{"CA path without certificates", transport.TLSOptions{CAPath: emptyDir}, []string{"CA directory " + emptyDir, "no PEM certificate"}},
		{"certificate without key", transport.TLSOptions{CertFile: f.ClientCert}, []string{"give both the certificate file and the key file"}},
		{"key without certificate", transport.TLSOptions{KeyFile: f.ClientKey}, []string{"give both"}},
		{"missing certificate", transport.TLSOptions{CertFile: missing, KeyFile: f.ClientKey}, []string{"cannot read certificate file " + missing}},
		{"missing key", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: missing}, []string{"cannot read key file " + missing}},
		{"certificate not PEM", transport.TLSOptions{CertFile: notPEM, KeyFile: f.ClientKey}, []string{"certificate file " + notPEM, "no PEM certificate"}},
		{"key not PEM", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: notPEM}, []string{"key file " + notPEM, "no PEM private key"}},
		{"key is a certificate", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: f.ClientCert}, []string{"key file " + f.ClientCert, "no PEM private key"}},
		{"encrypted key", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: encrypted}, []string{"key file " + encrypted + " is encrypted"}},
		{"legacy encrypted key", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: legacyEncrypted}, []string{"is encrypted"}},
		{"key of another certificate", transport.TLSOptions{CertFile: f.ClientCert, KeyFile: f.ServerKey}, []string{f.ClientCert, f.ServerKey, "do not belong together"}},
		{"unknown version", transport.TLSOptions{Version: "tlsv1"}, []string{`TLS version "tlsv1" is not supported`, "tlsv1.3, tlsv1.2 or tlsv1.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := transport.TLSConfig(tt.opts)
			if err == nil {
				t.Fatal("TLSConfig succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestTLSConfigDefaults(t *testing.T) {
	cfg, err := transport.TLSConfig(transport.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RootCAs != nil || cfg.InsecureSkipVerify || cfg.VerifyConnection != nil || len(cfg.Certificates) != 0 {
		t.Errorf("empty options gave a configuration that is not the default: %+v", cfg)
	}
}
