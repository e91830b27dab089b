package transport_test

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

func TestProxyEveryScheme(t *testing.T) {
	schemes := []transport.Scheme{transport.TCP, transport.TLS, transport.WS, transport.WSS}
	b := brokertest.Start(t, schemes...)
	for _, auth := range []string{"", "alice:s3cret"} {
		user, pass, _ := strings.Cut(auth, ":")
		proxy := startSocks(t, user, pass)
		url := "socks5h://" + proxy.addr()
		if auth != "" {
			url = "socks5h://" + auth + "@" + proxy.addr()
		}
		for _, s := range schemes {
			t.Run(string(s)+"/auth="+strconv.FormatBool(auth != ""), func(t *testing.T) {
				d := b.Dialer(s)
				d.Proxy = url
				dialRoundTrip(t, d, "proxy-"+string(s)+"-"+user)
				want := "ip 127.0.0.1:" + strconv.Itoa(b.Port(s))
				if !slices.Contains(proxy.requests(), want) {
					t.Errorf("proxy saw %q, want a request for %q", proxy.requests(), want)
				}
			})
		}
	}
}

// A proxy at an IPv6 literal, bracketed in the URL as mosquitto 2.1 takes it, with and without a login.
func TestProxyAtIPv6Literal(t *testing.T) {
	b := brokertest.Start(t)
	for _, auth := range []string{"", "bob:pw@"} {
		user, pass, _ := strings.Cut(strings.TrimSuffix(auth, "@"), ":")
		proxy := startSocks6(t, user, pass)
		if !strings.HasPrefix(proxy.addr(), "[::1]:") {
			t.Fatalf("proxy at %s", proxy.addr())
		}
		d := b.Dialer(transport.TCP)
		d.Proxy = "socks5h://" + auth + proxy.addr()
		dialRoundTrip(t, d, "proxy-ipv6-"+user)
		if got := proxy.requests(); len(got) != 1 {
			t.Errorf("proxy %s saw %q", d.Proxy, got)
		}
	}
}

// socks5h:// lets the proxy resolve the broker's name; socks5:// resolves it here.
func TestProxyResolution(t *testing.T) {
	b := brokertest.Start(t)
	port := strconv.Itoa(b.Port(transport.TCP))
	for scheme, want := range map[string]string{
		"socks5h": "domain localhost:" + port,
		"socks5":  "ip 127.0.0.1:" + port,
	} {
		t.Run(scheme, func(t *testing.T) {
			proxy := startSocks(t, "", "")
			d := b.Dialer(transport.TCP)
			d.Host = "localhost"
			d.Proxy = scheme + "://" + proxy.addr()
			dialRoundTrip(t, d, "resolve-"+scheme)
			if got := proxy.requests(); len(got) != 1 || got[0] != want {
				t.Errorf("proxy saw %q, want %q", got, want)
			}
		})
	}
}

func TestProxyErrors(t *testing.T) {
	b := brokertest.Start(t)
	proxy := startSocks(t, "alice", "s3cret")
	open := startSocks(t, "", "")
	down := closedPort(t)
	brokerAddr := b.AddrOf(transport.TCP)
	refused := closedPort(t)
	_, refusedPort, _ := net.SplitHostPort(refused)

	tests := []struct {
		name  string
		proxy string
		port  int
		want  string
	}{
		{"proxy down", "socks5h://" + down, b.Port(transport.TCP),
			"connecting to SOCKS5 proxy " + down + ": connection refused"},
		{"wrong password", "socks5h://alice:wrong@" + proxy.addr(), b.Port(transport.TCP),
			"connecting to " + brokerAddr + " through SOCKS5 proxy " + proxy.addr() + ": username/password authentication failed"},
		{"credentials required", "socks5h://" + proxy.addr(), b.Port(transport.TCP),
			"no acceptable authentication methods"},
		{"broker down behind the proxy", "socks5h://" + open.addr(), atoi(refusedPort),
			"connecting to " + refused + " through SOCKS5 proxy " + open.addr() + ": proxy answered: connection refused"},
		{"not SOCKS", "http://" + proxy.addr(), b.Port(transport.TCP),
			"only socks5:// and socks5h:// proxies are supported"},
		{"no host", "socks5h://", b.Port(transport.TCP), "has no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: tt.port, Proxy: tt.proxy}
			conn, err := d.Dial(context.Background())
			if err == nil {
				conn.Close()
				t.Fatal("Dial succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Dial error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// An error about the proxy URL never quotes its password.
func TestProxyErrorsHidePassword(t *testing.T) {
	for _, p := range []string{"http://u:pw-s3cret@127.0.0.1:1", "socks5h://u:pw-s3cret@127.0.0.1:port", "socks5h://u:pw-s3cret@"} {
		d := transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: 1, Proxy: p}
		conn, err := d.Dial(context.Background())
		if err == nil {
			conn.Close()
			t.Fatalf("Dial through %q succeeded", p)
		}
		if strings.Contains(err.Error(), "pw-s3cret") {
			t.Errorf("Dial through %q: %q shows the password", p, err)
		}
	}
}
