package broker_test

import (
	"strings"
	"testing"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

func TestParseListen(t *testing.T) {
	tests := []struct {
		in     string
		scheme transport.Scheme
		addr   string
	}{
		{"tcp://localhost:1883", transport.TCP, "localhost:1883"},
		{"tcp://127.0.0.1:0", transport.TCP, "127.0.0.1:0"},
		{"TCP://127.0.0.1:0", transport.TCP, "127.0.0.1:0"},
		{"tcp://localhost", transport.TCP, "localhost:1883"},
		{"tcp://localhost/", transport.TCP, "localhost:1883"},
		{"tcp://:1884", transport.TCP, ":1884"},
		{"tcp://[::1]:1884", transport.TCP, "[::1]:1884"},
		{"mqtt://localhost", transport.TCP, "localhost:1883"},
		{"tls://localhost", transport.TLS, "localhost:8883"},
		{"mqtts://0.0.0.0:8884", transport.TLS, "0.0.0.0:8884"},
		{"ws://localhost:8080", transport.WS, "localhost:8080"},
		{"ws://localhost:8080/mqtt", transport.WS, "localhost:8080"},
		{"ws://localhost", transport.WS, "localhost:80"},
		{"wss://localhost", transport.WSS, "localhost:443"},
		{"unix:///run/mqtt.sock", transport.Unix, "/run/mqtt.sock"},
		{"unix://mqtt.sock", transport.Unix, "mqtt.sock"},
	}
	for _, tt := range tests {
		l, err := broker.ParseListen(tt.in)
		if err != nil {
			t.Errorf("ParseListen(%q): %v", tt.in, err)
			continue
		}
		if l.Scheme != tt.scheme || l.Addr != tt.addr {
			t.Errorf("ParseListen(%q) = %s %q, want %s %q", tt.in, l.Scheme, l.Addr, tt.scheme, tt.addr)
		}
	}
}

func TestParseListenErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"localhost:1883", "not a URL"},
		{"quic://localhost", `unknown scheme "quic"`},
		{"unix://", "names no socket file"},
		{"tcp://localhost:99999", `invalid port "99999"`},
		{"tcp://localhost:x", "invalid port"},
		{"tcp://localhost:", "empty port"},
		{"tcp://localhost:1883/topic", "only ws:// and wss:// take a path"},
		{"tcp://user@localhost:1883", "no user, query or fragment"},
		{"ws://localhost:8080/?a=b", "no user, query or fragment"},
	}
	for _, tt := range tests {
		_, err := broker.ParseListen(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseListen(%q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}
