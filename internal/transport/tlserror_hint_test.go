package transport

import "testing"

// The hint for a port that is not TLS names the usual TLS port, unless that is the port already.
func TestPlainPortHint(t *testing.T) {
	tests := []struct {
		scheme Scheme
		addr   string
		want   string
	}{
		{TLS, "broker:1883", "if it is the plain MQTT port, use the broker's TLS port (usually 8883)."},
		{TLS, "broker:8883", "check the port, and that the broker has TLS turned on there."},
		{WSS, "broker:8080", "if it is a plain WebSocket port, use the broker's secure WebSocket port."},
		{WSS, "broker:443", "check the port, and that the broker has TLS turned on there."},
	}
	for _, tt := range tests {
		h := &handshake{addr: tt.addr, scheme: tt.scheme}
		if got := h.plainPortHint(); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.scheme, tt.addr, got, tt.want)
		}
	}
}
