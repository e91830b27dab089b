package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"testing"
)

func TestChains(t *testing.T) {
	s := New(t)
	roots := s.Pool()
	others := x509.NewCertPool()
	others.AddCert(s.OtherCA.Cert)

	tests := []struct {
		name  string
		leaf  *Pair
		host  string
		roots *x509.CertPool
		usage x509.ExtKeyUsage
		want  error // a value of the error type expected, or nil
	}{
		{"server by IPv4", s.Server, "127.0.0.1", roots, x509.ExtKeyUsageServerAuth, nil},
		{"server by IPv6", s.Server, "::1", roots, x509.ExtKeyUsageServerAuth, nil},
		{"server by name", s.Server, "localhost", roots, x509.ExtKeyUsageServerAuth, nil},
		{"client", s.Client, "", roots, x509.ExtKeyUsageClientAuth, nil},
		{"wrong name", s.WrongName, "127.0.0.1", roots, x509.ExtKeyUsageServerAuth, x509.HostnameError{}},
		{"wrong name by its name", s.WrongName, WrongName, roots, x509.ExtKeyUsageServerAuth, nil},
		{"expired", s.Expired, "127.0.0.1", roots, x509.ExtKeyUsageServerAuth, x509.CertificateInvalidError{}},
		{"not yet valid", s.NotYetValid, "127.0.0.1", roots, x509.ExtKeyUsageServerAuth, x509.CertificateInvalidError{}},
		{"self-signed", s.SelfSigned, "127.0.0.1", roots, x509.ExtKeyUsageServerAuth, x509.UnknownAuthorityError{}},
		{"unknown CA", s.Server, "127.0.0.1", others, x509.ExtKeyUsageServerAuth, x509.UnknownAuthorityError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.leaf.Cert.Verify(x509.VerifyOptions{
				DNSName:   tt.host,
				Roots:     tt.roots,
				KeyUsages: []x509.ExtKeyUsage{tt.usage},
			})
			switch want := tt.want.(type) {
			case nil:
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
			case x509.HostnameError:
				if !errors.As(err, &want) {
					t.Fatalf("Verify = %v, want a HostnameError", err)
				}
			case x509.CertificateInvalidError:
				if !errors.As(err, &want) || want.Reason != x509.Expired {
					t.Fatalf("Verify = %v, want an expiry error", err)
				}
			case x509.UnknownAuthorityError:
				if !errors.As(err, &want) {
					t.Fatalf("Verify = %v, want an UnknownAuthorityError", err)
				}
			}
		})
	}
}

func TestFilesLoad(t *testing.T) {
	s := New(t)
	f := s.Files(t)
	pairs := [][2]string{
		{f.ServerCert, f.ServerKey},
		{f.ClientCert, f.ClientKey},
		{f.ExpiredCert, f.ExpiredKey},
		{f.WrongNameCert, f.WrongNameKey},
	}
	for _, p := range pairs {
		if _, err := tls.LoadX509KeyPair(p[0], p[1]); err != nil {
			t.Errorf("LoadX509KeyPair(%s, %s): %v", p[0], p[1], err)
		}
	}
	for _, ca := range []string{f.CA, f.OtherCA} {
		data, err := os.ReadFile(ca)
		if err != nil {
			t.Fatal(err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(data) {
			t.Errorf("%s holds no certificate", ca)
		}
	}
	info, err := os.Stat(f.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key mode = %v, want 0600", info.Mode().Perm())
	}
}
