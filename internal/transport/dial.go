package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// DefaultPort is the port used when Dialer.Port is zero.
func DefaultPort(s Scheme) int {
	switch s {
	case TLS:
		return 8883
	case WS:
		return 80
	case WSS:
		return 443
	default:
		return 1883
	}
}

// Dial opens the connection d describes. ctx bounds the dial and every handshake; it has no effect on
// the returned connection.
func (d Dialer) Dial(ctx context.Context) (net.Conn, error) {
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	switch d.Scheme {
	case TCP, "":
		return d.dialStream(ctx, d.addr())
	case TLS:
		conn, err := d.dialStream(ctx, d.addr())
		if err != nil {
			return nil, err
		}
		return d.handshakeTLS(ctx, conn, d.addr())
	case WS, WSS:
		return d.dialWebSocket(ctx)
	case Unix:
		return d.dialUnix(ctx)
	}
	return nil, fmt.Errorf("unknown transport %q: use tcp, tls, ws, wss or unix", d.Scheme)
}

func (d Dialer) host() string {
	h := strings.TrimSuffix(strings.TrimPrefix(d.Host, "["), "]")
	if h == "" {
		return "localhost"
	}
	return h
}

func (d Dialer) addr() string {
	port := d.Port
	if port == 0 {
		port = DefaultPort(d.Scheme)
	}
	return net.JoinHostPort(d.host(), strconv.Itoa(port))
}

// dialStream opens a TCP stream to addr, through the proxy when one is set.
func (d Dialer) dialStream(ctx context.Context, addr string) (net.Conn, error) {
	if d.Proxy != "" {
		return d.dialProxy(ctx, addr)
	}
	conn, err := d.dialTCP(ctx, addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, cause(err))
	}
	return conn, nil
}

// dialTCP is the one place a TCP socket is made, so the bind address and Nagle setting apply to the
// broker and the proxy alike.
func (d Dialer) dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var nd net.Dialer
	if d.BindAddress != "" {
		local, err := net.ResolveTCPAddr("tcp", net.JoinHostPort(d.BindAddress, "0"))
		if err != nil {
			return nil, fmt.Errorf("bind address %s: %w", d.BindAddress, cause(err))
		}
		nd.LocalAddr = local
	}
	conn, err := dialAddrs(ctx, &nd, addr)
	if err != nil {
		return nil, err
	}
	// Go turns Nagle off on every TCP socket; mosquitto leaves it on unless --nodelay is given, and
	// the difference shows in latency and packet counts.
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(d.NoDelay); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, nil
}

// dialAddrs dials addr, a name that /etc/hosts holds by the addresses it gives, one after the other
// as mosquitto tries them (see hostsAddrs), and anything else through Go's resolver.
func dialAddrs(ctx context.Context, nd *net.Dialer, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	var ips []netip.Addr
	if err == nil && nd.LocalAddr == nil {
		ips = hostsAddrs(host)
	}
	if len(ips) == 0 {
		return nd.DialContext(ctx, "tcp", addr)
	}
	var first error
	for _, ip := range ips {
		conn, err := nd.DialContext(ctx, "tcp", net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

func (d Dialer) dialUnix(ctx context.Context) (net.Conn, error) {
	if d.Proxy != "" {
		return nil, errors.New("a SOCKS5 proxy cannot carry a unix socket connection")
	}
	if d.UnixPath == "" {
		return nil, errors.New("no unix socket path given")
	}
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, "unix", d.UnixPath)
	if err != nil {
		return nil, fmt.Errorf("connecting to unix socket %s: %w", d.UnixPath, cause(err))
	}
	return conn, nil
}

// handshakeTLS runs the client handshake on conn, closing conn if it fails. The server name defaults
// to the host, as mosquitto's does. A failure is a *TLSError that says what to fix, unless time ran out.
func (d Dialer) handshakeTLS(ctx context.Context, conn net.Conn, addr string) (net.Conn, error) {
	cfg := &tls.Config{}
	if d.TLS != nil {
		cfg = d.TLS.Clone() // the hook below records this dial's exchange
	}
	if cfg.ServerName == "" {
		cfg.ServerName = d.host()
	}
	h := &handshake{addr: addr, scheme: d.Scheme, cfg: cfg, offered: len(cfg.Certificates) > 0 || cfg.GetClientCertificate != nil}
	cfg.GetClientCertificate = h.clientCertificate(cfg.Certificates, cfg.GetClientCertificate)
	raw := &heardConn{Conn: conn}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, h.explain(err, raw.heard)
	}
	if h.asked && tc.ConnectionState().Version == tls.VersionTLS13 {
		return &verdictConn{Conn: tc, h: h}, nil
	}
	return tc, nil
}

// cause drops the "dial tcp 127.0.0.1:1883: connect:" layers of a net error: the caller says what it
// was doing in its own words. errors.Is still sees the errno underneath.
func cause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err
	}
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		if local, ok := bindSource(op); ok && sys.Syscall == "bind" {
			return fmt.Errorf("binding to local address %s: %w", local.IP, sys.Err)
		}
		err = sys.Err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return timedOut{err}
	}
	return err
}

func bindSource(op *net.OpError) (*net.TCPAddr, bool) {
	if op == nil {
		return nil, false
	}
	local, ok := op.Source.(*net.TCPAddr)
	return local, ok
}

// timedOut words a deadline the same whichever layer noticed it: Go says "i/o timeout" or "context
// deadline exceeded" depending on where the dial was when time ran out.
type timedOut struct{ err error }

func (e timedOut) Error() string   { return "timed out" }
func (e timedOut) Unwrap() error   { return e.err }
func (e timedOut) Timeout() bool   { return true }
func (e timedOut) Temporary() bool { return false }
