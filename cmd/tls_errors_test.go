package cmd

import (
	"strings"
	"testing"

	"mqtt/internal/broker"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// tlsBroker starts a broker with a plain listener, a TLS one and a TLS one that requires a client
// certificate, and returns their ports.
func tlsBroker(t *testing.T, certs *testcert.Set) (plain, secure, mutual string) {
	t.Helper()
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{
		{Scheme: transport.TCP, Addr: "127.0.0.1:0"},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: certs.ServerConfig()},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: certs.MutualServerConfig()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	port := func(i int) string { return b.Addr(i)[strings.LastIndexByte(b.Addr(i), ':')+1:] }
	return port(0), port(1), port(2)
}

// mqtt says what is wrong and how to fix it; linked as mosquitto_pub it says what mosquitto_pub says
// (checked against mosquitto 2.0.11 across a link with some latency), with its exit codes: 8 for a
// failed handshake, 7 for a broker that hangs up once connected.
func TestTLSErrorWording(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	plain, secure, mutual := tlsBroker(t, certs)
	tests := []struct {
		name       string
		args       []string
		mqtt       string
		linked     string
		linkedCode int
	}{
		{"untrusted CA", []string{"-p", secure, "--cafile", files.OtherCA},
			"Error: the broker's certificate is signed by an authority we do not trust (CN=mqtt test CA,O=mqtt tests): pass that CA's certificate with --cafile, or --tls-use-os-certs if it is a public CA.\n",
			"Error: A TLS error occurred.\n", 8},
		{"not a TLS port", []string{"-p", plain, "--cafile", files.CA},
			"Error: 127.0.0.1:" + plain + " closed the connection without answering the TLS handshake: if it is the plain MQTT port, use the broker's TLS port (usually 8883).\n",
			"Error: A TLS error occurred.\n", 8},
		{"client certificate required", []string{"-p", mutual, "--cafile", files.CA},
			"Error: the broker requires a client certificate: pass one with --cert and --key.\n",
			"Error: The connection was lost.\n", 7},
		{"plain MQTT to a TLS port", []string{"-p", secure},
			"Error: 127.0.0.1:" + secure + " closed the connection without answering: if it is a TLS port, connect with --cafile or --tls-use-os-certs (or an mqtts:// URL).\n",
			"Error: The connection was lost.\n", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-h", "127.0.0.1", "-t", "a", "-m", "x"}, tt.args...)
			// mqtt's words; mosquitto's exit code for a broker that hangs up once connected, else 1, which is
			// mosquitto's for a failed handshake with a broker nearby.
			want := 1
			if tt.linkedCode == 7 {
				want = 7
			}
			if code, _, errOut := run(t, append([]string{"mqtt", "pub"}, args...)...); code != want || errOut != tt.mqtt {
				t.Errorf("mqtt pub: exit %d, stderr\n%q\nwant exit %d,\n%q", code, errOut, want, tt.mqtt)
			}
			if code, _, errOut := run(t, append([]string{"mosquitto_pub"}, args...)...); code != tt.linkedCode || errOut != tt.linked {
				t.Errorf("mosquitto_pub: exit %d, stderr %q; want exit %d, %q", code, errOut, tt.linkedCode, tt.linked)
			}
			if code, _, errOut := run(t, append([]string{"mosquitto_pub", "--quiet"}, args...)...); code != tt.linkedCode || errOut != "" {
				t.Errorf("mosquitto_pub --quiet: exit %d, stderr %q; want exit %d, nothing", code, errOut, tt.linkedCode)
			}
		})
	}
}

// mqtt sub and rr connect the same way as pub and word TLS failures the same.
func TestTLSErrorWordingSubRR(t *testing.T) {
	certs := testcert.New(t)
	files := certs.Files(t)
	_, _, mutual := tlsBroker(t, certs)
	const want = "Error: the broker refused our client certificate (bad certificate): check --cert and --key, and that the broker trusts the CA that signed them.\n"
	conn := []string{"-h", "127.0.0.1", "-p", mutual, "--cafile", files.CA, "--cert", files.ServerCert, "--key", files.ServerKey}
	for _, args := range [][]string{
		append([]string{"mqtt", "sub", "-t", "a"}, conn...),
		append([]string{"mqtt", "rr", "-t", "a", "-e", "b", "-m", "x"}, conn...),
	} {
		if code, _, errOut := run(t, args...); code != 7 || errOut != want { // mosquitto: connection lost
			t.Errorf("%s: exit %d, stderr %q", strings.Join(args[:2], " "), code, errOut)
		}
	}
}
