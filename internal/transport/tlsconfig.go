package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tlsVersions maps mosquitto's --tls-version to the lowest version allowed. mosquitto (lib/net_mosq.c)
// only switches off the versions below the one named, so tlsv1.2 still negotiates TLS 1.3 with a
// server that offers it; there is no maximum.
var tlsVersions = map[string]uint16{
	"":        tls.VersionTLS12,
	"tlsv1.3": tls.VersionTLS13,
	"tlsv1.2": tls.VersionTLS12,
	"tlsv1.1": tls.VersionTLS11,
}

// TLSConfig builds a client configuration from mosquitto's TLS options. With no CA file, CA path or
// UseOSCerts the system roots are used.
func TLSConfig(o TLSOptions) (*tls.Config, error) {
	minVersion, ok := tlsVersions[o.Version]
	if !ok {
		return nil, fmt.Errorf("TLS version %q is not supported: use tlsv1.3, tlsv1.2 or tlsv1.1", o.Version)
	}
	roots, err := loadRoots(o)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		MinVersion:   minVersion,
		RootCAs:      roots,
		ServerName:   o.ServerName,
		NextProtos:   o.ALPN,
		KeyLogWriter: o.KeyLog,
	}
	if o.CertFile != "" || o.KeyFile != "" {
		cert, err := loadKeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if o.Insecure {
		// crypto/tls can only skip all of verification; put the chain check back, leaving out
		// only the host name, which is what mosquitto's --insecure skips.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = verifyChain(roots)
	}
	return cfg, nil
}

func verifyChain(roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: server sent no certificate")
		}
		opts := x509.VerifyOptions{
			Roots:         roots,
			Intermediates: x509.NewCertPool(),
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
			return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
		}
		return nil
	}
}

// loadRoots returns nil, meaning the system roots, when no CA file or path is given.
func loadRoots(o TLSOptions) (*x509.CertPool, error) {
	if o.CAFile == "" && o.CAPath == "" {
		return nil, nil // with UseOSCerts or without, crypto/tls then uses the system's roots
	}
	pool := x509.NewCertPool()
	if o.UseOSCerts {
		system, err := x509.SystemCertPool()
		if err != nil {
			return nil, fmt.Errorf("loading the system's CA certificates: %w", err)
		}
		pool = system
	}
	if o.CAFile != "" {
		data, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read CA file %s: %w", o.CAFile, pathCause(err))
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate: give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)", o.CAFile)
		}
	}
	if o.CAPath != "" {
		if err := appendCAPath(pool, o.CAPath); err != nil {
			return nil, err
		}
	}
	return pool, nil
}

// appendCAPath reads every file in dir that holds PEM certificates. OpenSSL looks certificates up by
// hashed names; reading them all accepts both a c_rehash'ed directory and a plain one.
func appendCAPath(pool *x509.CertPool, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot read CA directory %s: %w", dir, pathCause(err))
	}
	found := false
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // subdirectories, dangling links, unreadable files: OpenSSL skips them too
		}
		if pool.AppendCertsFromPEM(data) {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("CA directory %s holds no PEM certificate: put the CA certificates there in PEM form", dir)
	}
	return nil
}

func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, errors.New("a client certificate needs its key: give both the certificate file and the key file")
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cannot read certificate file %s: %w", certFile, pathCause(err))
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cannot read key file %s: %w", keyFile, pathCause(err))
	}
	if block, _ := pem.Decode(certPEM); block == nil || block.Type != "CERTIFICATE" {
		return tls.Certificate{}, fmt.Errorf("certificate file %s holds no PEM certificate: give the certificate in PEM form (-----BEGIN CERTIFICATE-----)", certFile)
	}
	if err := checkKeyPEM(keyFile, keyPEM); err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		if strings.Contains(err.Error(), "does not match") {
			return tls.Certificate{}, fmt.Errorf("certificate %s and key %s do not belong together: give the key the certificate was issued for", certFile, keyFile)
		}
		return tls.Certificate{}, fmt.Errorf("loading certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// checkKeyPEM catches the key files crypto/tls would reject with a message that names neither the
// file nor the fix.
func checkKeyPEM(keyFile string, data []byte) error {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return fmt.Errorf("key file %s holds no PEM private key: give the key in PEM form (-----BEGIN PRIVATE KEY-----)", keyFile)
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED" {
			return fmt.Errorf("key file %s is encrypted, which is not supported: decrypt it first (openssl pkey -in %s -out key.pem)", keyFile, keyFile)
		}
		if strings.HasSuffix(block.Type, "PRIVATE KEY") {
			return nil
		}
	}
}

// pathCause drops the path from an fs.PathError: the caller has already named the file.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
