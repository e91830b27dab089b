package broker

import (
	"crypto/tls"
	"fmt"
)

// ServerTLS is the TLS configuration of a tls or wss listener presenting the certificate in certFile
// (PEM, followed by any intermediates) with the key in keyFile.
func ServerTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
