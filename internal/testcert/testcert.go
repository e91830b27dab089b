// Package testcert makes the certificates TLS tests need: a CA, certificates it signs for the loopback
// names, and the broken ones a client must refuse. Everything is ECDSA P-256 because RSA key generation
// would dominate test time.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// Pair is a certificate with its private key.
type Pair struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// CertPEM and KeyPEM are the PEM encodings (CERTIFICATE and EC PRIVATE KEY), as written to files.
	CertPEM, KeyPEM []byte
}

// TLS returns the pair as a tls.Certificate.
func (p *Pair) TLS() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{p.Cert.Raw}, PrivateKey: p.Key, Leaf: p.Cert}
}

// Set is everything a TLS test needs. Server, Client, Expired, NotYetValid and WrongName are signed by
// CA; OtherCA signed nothing the others use, so trusting it alone must fail.
type Set struct {
	CA          *Pair
	OtherCA     *Pair
	Server      *Pair // for 127.0.0.1, ::1 and localhost
	Client      *Pair // for client authentication, CN "mqtt-test-client"
	Expired     *Pair // the server's names, but no longer valid
	NotYetValid *Pair // the server's names, valid only from tomorrow
	WrongName   *Pair // a server certificate for wrong.example only
	SelfSigned  *Pair // the server's names, signed by its own key
}

// Names the server certificates are issued for.
var (
	ServerIPs   = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	ServerNames = []string{"localhost"}
)

// WrongName is the only name in Set.WrongName.
const WrongName = "wrong.example"

// ClientCN is the common name of Set.Client.
const ClientCN = "mqtt-test-client"

// Generate makes a fresh Set.
func Generate() (*Set, error) {
	now := time.Now()
	valid := [2]time.Time{now.Add(-time.Hour), now.Add(10 * 365 * 24 * time.Hour)}
	ca, err := newPair(nil, caTemplate("mqtt test CA", valid))
	if err != nil {
		return nil, err
	}
	other, err := newPair(nil, caTemplate("unrelated test CA", valid))
	if err != nil {
		return nil, err
	}
	server, err := newPair(ca, leafTemplate("mqtt test server", valid, ServerNames, ServerIPs, x509.ExtKeyUsageServerAuth))
	if err != nil {
		return nil, err
	}
	client, err := newPair(ca, leafTemplate(ClientCN, valid, nil, nil, x509.ExtKeyUsageClientAuth))
	if err != nil {
		return nil, err
	}
	expiredValidity := [2]time.Time{now.Add(-48 * time.Hour), now.Add(-24 * time.Hour)}
	expired, err := newPair(ca, leafTemplate("mqtt expired server", expiredValidity, ServerNames, ServerIPs, x509.ExtKeyUsageServerAuth))
	if err != nil {
		return nil, err
	}
	futureValidity := [2]time.Time{now.Add(24 * time.Hour), now.Add(48 * time.Hour)}
	future, err := newPair(ca, leafTemplate("mqtt future server", futureValidity, ServerNames, ServerIPs, x509.ExtKeyUsageServerAuth))
	if err != nil {
		return nil, err
	}
	wrong, err := newPair(ca, leafTemplate(WrongName, valid, []string{WrongName}, nil, x509.ExtKeyUsageServerAuth))
	if err != nil {
		return nil, err
	}
	self, err := newPair(nil, leafTemplate("mqtt self-signed server", valid, ServerNames, ServerIPs, x509.ExtKeyUsageServerAuth))
	if err != nil {
		return nil, err
	}
	return &Set{CA: ca, OtherCA: other, Server: server, Client: client, Expired: expired, NotYetValid: future,
		WrongName: wrong, SelfSigned: self}, nil
}

// shared is generated once per test binary: certificates are immutable, and tests run in parallel
// would otherwise each pay for eight key generations.
var shared = sync.OnceValues(Generate)

// New returns the Set shared by the tests of this binary, failing t if it cannot be made.
func New(t testing.TB) *Set {
	t.Helper()
	s, err := shared()
	if err != nil {
		t.Fatalf("generating test certificates: %v", err)
	}
	return s
}

// Pool returns a pool holding only the CA.
func (s *Set) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.CA.Cert)
	return p
}

// ServerConfig returns a server configuration presenting Server.
func (s *Set) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.Server.TLS()}}
}

// MutualServerConfig is ServerConfig that also requires a client certificate signed by the CA.
func (s *Set) MutualServerConfig() *tls.Config {
	cfg := s.ServerConfig()
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = s.Pool()
	return cfg
}

// ClientConfig returns a client configuration trusting only the CA.
func (s *Set) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: s.Pool()}
}

func caTemplate(cn string, valid [2]time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"mqtt tests"}},
		NotBefore:             valid[0],
		NotAfter:              valid[1],
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
}

func leafTemplate(cn string, valid [2]time.Time, dns []string, ips []net.IP, usage x509.ExtKeyUsage) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"mqtt tests"}},
		NotBefore:             valid[0],
		NotAfter:              valid[1],
		DNSNames:              dns,
		IPAddresses:           ips,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{usage},
	}
}

// newPair signs tmpl with issuer, or self-signs it when issuer is nil.
func newPair(issuer *Pair, tmpl *x509.Certificate) (*Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	parent, signer := tmpl, key
	if issuer != nil {
		parent, signer = issuer.Cert, issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, fmt.Errorf("signing %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &Pair{
		Cert:    cert,
		Key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}
