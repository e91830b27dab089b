package broker

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"mqtt/internal/transport"
)

// ParseListen reads a listener URL: tcp://HOST:PORT, tls://HOST:PORT, ws://HOST:PORT, wss://HOST:PORT
// or unix://PATH (mqtt:// and mqtts:// are tcp and tls). Without a port, the scheme's default port is
// used, the one clients dial by default; port 0 asks for any free port. An empty host listens on every
// interface. A WebSocket listener answers on every request path, so a path in the URL changes nothing.
func ParseListen(s string) (Listener, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return Listener{}, fmt.Errorf("%q is not a URL: write it as tcp://HOST:PORT, tls://, ws://, wss:// or unix://PATH", s)
	}
	l := Listener{Scheme: transport.Scheme(strings.ToLower(scheme))}
	switch l.Scheme {
	case "mqtt":
		l.Scheme = transport.TCP
	case "mqtts":
		l.Scheme = transport.TLS
	case transport.TCP, transport.TLS, transport.WS, transport.WSS:
	case transport.Unix:
		if rest == "" {
			return Listener{}, fmt.Errorf("%q names no socket file: write unix:///path/to/socket", s)
		}
		l.Addr = rest
		return l, nil
	default:
		return Listener{}, fmt.Errorf("unknown scheme %q in %q: use tcp, tls, ws, wss or unix", scheme, s)
	}
	u, err := url.Parse(string(l.Scheme) + "://" + rest)
	if err != nil {
		return Listener{}, fmt.Errorf("%q: %w", s, err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Listener{}, fmt.Errorf("%q: a listener URL has no user, query or fragment", s)
	}
	if u.Path != "" && u.Path != "/" && l.Scheme != transport.WS && l.Scheme != transport.WSS {
		return Listener{}, fmt.Errorf("%q: only ws:// and wss:// take a path", s)
	}
	port := transport.DefaultPort(l.Scheme)
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return Listener{}, fmt.Errorf("%q: invalid port %q (use 0 to 65535; 0 picks a free one)", s, p)
		}
		port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return Listener{}, fmt.Errorf("%q: empty port", s)
	}
	l.Addr = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return l, nil
}

// URL is the address listener i is bound to, as a URL ParseListen reads back.
func (b *Broker) URL(i int) string {
	return string(b.schemes[i]) + "://" + b.addrs[i]
}

// LoopbackOnly reports whether only this machine can reach l: a unix socket, or a host name or
// address on the loopback interface. An empty host is every interface.
func LoopbackOnly(l Listener) bool {
	if l.Scheme == transport.Unix {
		return true
	}
	host, _, err := net.SplitHostPort(l.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
