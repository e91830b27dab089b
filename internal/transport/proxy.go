package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/proxy"
)

const defaultProxyPort = "1080"

// dialProxy opens a stream to addr through the SOCKS5 proxy d.Proxy.
func (d Dialer) dialProxy(ctx context.Context, addr string) (net.Conn, error) {
	u, err := url.Parse(d.Proxy)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("proxy URL: %w", err)
	}
	if u.Scheme != "socks5" && u.Scheme != "socks5h" {
		return nil, fmt.Errorf("proxy URL %q: only socks5:// and socks5h:// proxies are supported", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("proxy URL %q has no host", u.Redacted())
	}
	port := u.Port()
	if port == "" {
		port = defaultProxyPort
	}
	proxyAddr := net.JoinHostPort(u.Hostname(), port)

	var auth *proxy.Auth
	if u.User != nil {
		password, _ := u.User.Password()
		auth = &proxy.Auth{User: u.User.Username(), Password: password}
	}
	// x/net/proxy always hands the proxy the name to resolve, socks5:// included, so the local
	// resolution socks5:// promises happens here.
	target := addr
	if u.Scheme == "socks5" {
		if target, err = resolve(ctx, addr); err != nil {
			return nil, err
		}
	}
	socks, err := proxy.SOCKS5("tcp", proxyAddr, auth, forwardDialer{d, proxyAddr})
	if err != nil {
		return nil, err
	}
	conn, err := socks.(proxy.ContextDialer).DialContext(ctx, "tcp", target)
	if err != nil {
		var fe forwardError
		if errors.As(err, &fe) {
			return nil, fe.err
		}
		return nil, fmt.Errorf("connecting to %s through SOCKS5 proxy %s: %w", addr, proxyAddr, socksCause(err))
	}
	return conn, nil
}

// resolve turns the host of addr into an address, preferring IPv4 as most brokers listen there.
func resolve(ctx context.Context, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if net.ParseIP(host) != nil {
		return addr, nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return "", fmt.Errorf("connecting to %s: %w", addr, cause(err))
	}
	best := ips[0].IP
	for _, ip := range ips {
		if ip.IP.To4() != nil {
			best = ip.IP
			break
		}
	}
	return net.JoinHostPort(best.String(), port), nil
}

// forwardDialer makes the connection to the proxy itself, with the dialer's bind address and Nagle
// setting.
type forwardDialer struct {
	d    Dialer
	addr string
}

// forwardError marks a failure to reach the proxy, which x/net/proxy would otherwise report as if
// the proxy had failed to reach the broker.
type forwardError struct{ err error }

func (e forwardError) Error() string { return e.err.Error() }

func (f forwardDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := f.d.dialTCP(ctx, addr)
	if err != nil {
		return nil, forwardError{fmt.Errorf("connecting to SOCKS5 proxy %s: %w", f.addr, cause(err))}
	}
	return conn, nil
}

func (f forwardDialer) Dial(network, addr string) (net.Conn, error) {
	return f.DialContext(context.Background(), network, addr)
}

// socksCause strips x/net's "socks connect" wrapping and its "unknown error" prefix, which it puts
// before every reply code the proxy sends, known or not.
func socksCause(err error) error {
	err = cause(err)
	if msg, ok := strings.CutPrefix(err.Error(), "unknown error "); ok {
		return errors.New("proxy answered: " + msg)
	}
	return err
}
