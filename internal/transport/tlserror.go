package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// TLSProblem says what went wrong in a TLS handshake, in the terms of what the user can fix.
type TLSProblem int

const (
	// TLSOther is a failure with no explanation of its own (a protocol version or cipher mismatch, say).
	TLSOther TLSProblem = iota
	// UntrustedCA: the broker's certificate is signed by a CA we were not told to trust.
	UntrustedCA
	// WrongName: the broker's certificate is for other names than the one we connected to.
	WrongName
	// CertExpired: a certificate in the broker's chain is past its end date.
	CertExpired
	// CertNotYetValid: a certificate in the broker's chain starts in the future.
	CertNotYetValid
	// NotForServers: the broker's certificate is not issued for use by a server.
	NotForServers
	// ClientCertRequired: the broker wants a client certificate and we sent none.
	ClientCertRequired
	// ClientCertRefused: the broker did not accept the client certificate we sent.
	ClientCertRefused
	// NotTLS: the port answered, or hung up, as something other than a TLS server.
	NotTLS
	// PlainToTLS: a plain connection was closed before the broker said a word, as a TLS port does
	// with a client that does not start with a TLS handshake.
	PlainToTLS
)

// TLSError is a failed TLS handshake worded for the user: one sentence saying what is wrong and what
// fixes it. Err is Go's error underneath.
type TLSError struct {
	Problem TLSProblem
	// AfterConnect is set when the connection was up before the broker hung up: a TLS 1.3 broker
	// refuses a client certificate after our side has finished the handshake, and a TLS port closes a
	// plain connection once it has read what we sent.
	AfterConnect bool
	Err          error
	msg          string
}

func (e *TLSError) Error() string { return e.msg }
func (e *TLSError) Unwrap() error { return e.Err }

// handshake is what one TLS dial knows when it explains a failure: where it went, what it trusted,
// what it heard and which client certificate it sent.
type handshake struct {
	addr   string
	scheme Scheme
	cfg    *tls.Config
	// asked is set when the broker asked for a client certificate; sent is the one we gave, if any.
	asked bool
	sent  *tls.Certificate
	// offered is set when a client certificate was configured, whether or not it was sent.
	offered bool
}

// clientCertificate is crypto/tls's own choice of client certificate (the first the broker's request
// accepts, or none), recording that the broker asked and what we answered.
func (h *handshake) clientCertificate(certs []tls.Certificate, own func(*tls.CertificateRequestInfo) (*tls.Certificate, error)) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		h.asked = true
		if own != nil {
			c, err := own(cri)
			if c != nil && len(c.Certificate) > 0 {
				h.sent = c
			}
			return c, err
		}
		for i := range certs {
			if cri.SupportsCertificate(&certs[i]) == nil {
				h.sent = &certs[i]
				return &certs[i], nil
			}
		}
		return new(tls.Certificate), nil
	}
}

// tlsHeader is the size of a TLS record header: a peer that hangs up having sent less has not spoken TLS.
const tlsHeader = 5

// explain turns a failed handshake into a *TLSError. heard is how many bytes the peer sent us.
// Timeouts and cancellations are not TLS's fault and keep their own words.
func (h *handshake) explain(err error, heard int) error {
	if c := cause(err); isTimeout(c) || errors.Is(c, context.Canceled) {
		return fmt.Errorf("TLS handshake with %s: %w", h.addr, c)
	}
	if te := h.explainCertificate(err); te != nil {
		return te
	}
	if te := h.explainAlert(err); te != nil {
		return te
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return &TLSError{Problem: NotTLS, Err: err, msg: h.addr + " does not speak TLS: " + h.plainPortHint()}
	}
	hungUp := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
	switch {
	case hungUp && heard == 0:
		return &TLSError{Problem: NotTLS, Err: err, msg: h.addr + " closed the connection without answering the TLS handshake: " + h.plainPortHint()}
	case hungUp && heard < tlsHeader:
		return &TLSError{Problem: NotTLS, Err: err, msg: h.addr + " does not speak TLS: " + h.plainPortHint()}
	}
	return &TLSError{Problem: TLSOther, Err: err, msg: fmt.Sprintf("TLS handshake with %s: %v", h.addr, cause(err))}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (h *handshake) plainPortHint() string {
	_, port, _ := net.SplitHostPort(h.addr)
	def := strconv.Itoa(DefaultPort(h.scheme))
	switch {
	case port == def:
		return "check the port, and that the broker has TLS turned on there."
	case h.scheme == WSS:
		return "if it is a plain WebSocket port, use the broker's secure WebSocket port."
	}
	return "if it is the plain MQTT port, use the broker's TLS port (usually " + def + ")."
}

// explainCertificate explains our verdict on the broker's certificate chain.
func (h *handshake) explainCertificate(err error) *TLSError {
	var leaf *x509.Certificate
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0 {
		leaf = cve.UnverifiedCertificates[0]
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua) && ua.Cert != nil:
		return &TLSError{Problem: UntrustedCA, Err: err, msg: h.untrusted(ua.Cert, leaf)}
	case errors.As(err, &hn) && hn.Certificate != nil:
		return &TLSError{Problem: WrongName, Err: err, msg: wrongName(hn)}
	case errors.As(err, &ci) && ci.Cert != nil && ci.Reason == x509.Expired:
		return h.outOfDate(err, ci.Cert, leaf)
	case errors.As(err, &ci) && ci.Cert != nil && ci.Reason == x509.IncompatibleUsage && ci.Cert.Equal(leaf):
		return &TLSError{Problem: NotForServers, Err: err, msg: "the broker's certificate is not issued for a server (its extended key usage lacks serverAuth): reissue it for server use."}
	}
	return nil
}

func (h *handshake) untrusted(c, leaf *x509.Certificate) string {
	if c.Equal(leaf) && bytes.Equal(c.RawIssuer, c.RawSubject) {
		return "the broker's certificate is self-signed" + dn(c.Subject.String()) + ": trust it by passing that certificate itself with --cafile."
	}
	who := "the broker's certificate"
	if !c.Equal(leaf) {
		who = "the broker's certificate chain"
	}
	if h.cfg.RootCAs == nil {
		// Only the system's CAs were consulted, so --tls-use-os-certs cannot help.
		return who + " is signed by an authority this system does not trust" + dn(c.Issuer.String()) + ": pass that CA's certificate with --cafile."
	}
	return who + " is signed by an authority we do not trust" + dn(c.Issuer.String()) + ": pass that CA's certificate with --cafile, or --tls-use-os-certs if it is a public CA."
}

// dn puts a distinguished name in parentheses, or nothing when there is none.
func dn(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// maxNames is how many of the certificate's names a message lists; a CDN's certificate can hold hundreds.
const maxNames = 4

func wrongName(e x509.HostnameError) string {
	c := e.Certificate
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	switch {
	case len(names) == 0 && c.Subject.CommonName != "":
		return fmt.Sprintf("the broker's certificate gives its name only as a common name (CN=%s), which is no longer accepted: reissue it with the name as a subject alternative name.", c.Subject.CommonName)
	case len(names) == 0:
		return "the broker's certificate names no host: reissue it with the broker's name as a subject alternative name."
	case len(names) == 1:
		return fmt.Sprintf("the broker's certificate is for %s, not for %s: connect with that name (-h %s), or fix the certificate.", names[0], e.Host, names[0])
	}
	list := strings.Join(names[:min(len(names), maxNames)], ", ")
	if len(names) > maxNames {
		list += fmt.Sprintf(" and %d more", len(names)-maxNames)
	}
	return fmt.Sprintf("the broker's certificate is for %s, not for %s: connect with one of those names (-h), or fix the certificate.", list, e.Host)
}

// outOfDate explains a certificate outside its validity period. crypto/x509 reports both ends as
// Expired; the dates say which.
func (h *handshake) outOfDate(err error, c, leaf *x509.Certificate) *TLSError {
	now := h.now()
	who := "the broker's certificate"
	if !c.Equal(leaf) {
		who = "the CA certificate" + dn(c.Subject.String())
	}
	if now.Before(c.NotBefore) {
		return &TLSError{Problem: CertNotYetValid, Err: err, msg: fmt.Sprintf("%s is not valid until %s (it is now %s): check this machine's clock.", who, stamp(c.NotBefore), stamp(now))}
	}
	return &TLSError{Problem: CertExpired, Err: err, msg: fmt.Sprintf("%s expired on %s (it is now %s): renew it, or check this machine's clock.", who, stamp(c.NotAfter), stamp(now))}
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Alerts a broker sends about the client certificate. A handshake failure (40) is what TLS 1.2
// servers send when a required certificate is missing; it counts only if the broker asked for one.
var certAlerts = []tls.AlertError{42, 43, 44, 45, 46, 48, 116}

const alertHandshakeFailure tls.AlertError = 40

// explainAlert explains the broker's alert about our client certificate.
func (h *handshake) explainAlert(err error) *TLSError {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return nil
	}
	// crypto/tls reports a received alert with an unexported type; its text is AlertError's.
	text := op.Err.Error()
	about := h.asked && text == alertHandshakeFailure.Error()
	for _, a := range certAlerts {
		about = about || text == a.Error()
	}
	if !about {
		return nil
	}
	reason := strings.TrimPrefix(text, "tls: ")
	switch {
	case h.sent != nil && h.sentExpired() != nil:
		return &TLSError{Problem: ClientCertRefused, Err: err, msg: fmt.Sprintf("the broker refused our client certificate, which expired on %s: renew the certificate given with --cert.", stamp(h.sentExpired().NotAfter))}
	case h.sent != nil:
		return &TLSError{Problem: ClientCertRefused, Err: err, msg: "the broker refused our client certificate (" + reason + "): check --cert and --key, and that the broker trusts the CA that signed them."}
	case h.offered && h.asked:
		return &TLSError{Problem: ClientCertRefused, Err: err, msg: "the broker asked for a client certificate from a CA it trusts, and the one given with --cert is not signed by one: use a certificate from the broker's CA."}
	}
	return &TLSError{Problem: ClientCertRequired, Err: err, msg: "the broker requires a client certificate: pass one with --cert and --key."}
}

// sentExpired returns the client certificate we sent if it is out of date, so that a refusal can say so
// whatever alert the broker chose for it.
func (h *handshake) sentExpired() *x509.Certificate {
	leaf := h.sent.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(h.sent.Certificate[0]); err != nil {
			return nil
		}
	}
	if now := h.now(); now.After(leaf.NotAfter) {
		return leaf
	}
	return nil
}

func (h *handshake) now() time.Time {
	if h.cfg.Time != nil {
		return h.cfg.Time()
	}
	return time.Now()
}

// ExplainHangup words a plain TCP connection that the broker closed (or reset) before answering
// anything, which is what a TLS port does with a client that does not start with a TLS handshake.
// The caller knows that nothing was answered (no CONNACK came); any other error is returned as it is.
// Through a proxy the hang-up may be the proxy's, so it is left alone.
func (d Dialer) ExplainHangup(err error) error {
	if d.Scheme != TCP && d.Scheme != "" || d.Proxy != "" || !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		return err
	}
	return &TLSError{Problem: PlainToTLS, AfterConnect: true, Err: err,
		msg: d.addr() + " closed the connection without answering: if it is a TLS port, connect with --cafile or --tls-use-os-certs (or an mqtts:// URL)."}
}

// heardConn counts what the peer has sent: a port that hangs up on a ClientHello without a word, or
// after a few bytes, is most likely not a TLS port.
type heardConn struct {
	net.Conn
	heard int
}

func (c *heardConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.heard += n
	return n, err
}

// verdictConn is a TLS 1.3 connection on which the broker asked for a client certificate. The broker
// judges the certificate after our side has finished the handshake, so a refusal arrives as an alert
// on the first read; it is explained there.
type verdictConn struct {
	*tls.Conn
	h *handshake
}

func (c *verdictConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		err = c.explain(err)
	}
	return n, err
}

// Write explains a broker that hung up after its alert: the first write after the handshake can meet
// the reset before anything reads the alert, which is still waiting in the socket. The read only
// happens on a connection already reset or closed, so it cannot block.
func (c *verdictConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		if _, rerr := c.Conn.Read(make([]byte, 1)); rerr != nil {
			if te := c.explain(rerr); te != rerr {
				return n, te
			}
		}
	}
	return n, err
}

func (c *verdictConn) explain(err error) error {
	if te := c.h.explainAlert(err); te != nil {
		te.AfterConnect = true
		return te
	}
	return err
}
