package cmd

import (
	"strings"
	"testing"

	"mqtt/internal/mosqargs"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// linkedWith runs mosquitto's parser over args and turns the result into connection options, as
// runLinked does.
func linkedWith(t *testing.T, p mosqargs.Program, args ...string) (*connOptions, string) {
	t.Helper()
	cfg, exit := mosqargs.Load(p, args, func(string) string { return "" }, nil, strings.NewReader(""))
	if exit != nil {
		t.Fatalf("%s %q: exit %d: %s", p.Name(), args, exit.Code, exit.Stderr)
	}
	return linkedConn(cfg)
}

// What a mosquitto command line connects to, and mosquitto's words for one that cannot connect.
func TestLinkedConnection(t *testing.T) {
	certs := testcert.New(t)
	f := certs.Files(t)
	type want struct {
		scheme transport.Scheme
		host   string
		port   int
		roots  string // "" without TLS, "system", "ca" or "ca+system"
		text   string
	}
	for _, c := range []struct {
		args []string
		want want
	}{
		{nil, want{scheme: transport.TCP, host: "localhost", port: 1883}},
		{[]string{"-p", "8883"}, want{scheme: transport.TLS, host: "localhost", port: 8883, roots: "system"}},
		{[]string{"--cafile", f.CA}, want{scheme: transport.TLS, host: "localhost", port: 8883, roots: "ca"}},
		{[]string{"--tls-use-os-certs"}, want{scheme: transport.TLS, host: "localhost", port: 1883, roots: "system"}},
		// libmosquitto loads both, as mosquitto_pub --cafile with --tls-use-os-certs does.
		{[]string{"--tls-use-os-certs", "--cafile", f.CA}, want{scheme: transport.TLS, host: "localhost", port: 8883, roots: "ca+system"}},
		{[]string{"-L", "mqtts://b/t", "--cafile", f.CA}, want{scheme: transport.TLS, host: "b", port: 8883, roots: "ca+system"}},
		{[]string{"-L", "wss://b/t"}, want{scheme: transport.WSS, host: "b", port: 443, roots: "system"}},
		{[]string{"--cert", f.ClientCert, "--key", f.ClientKey}, want{scheme: transport.TCP, host: "localhost", port: 1883}},
		{[]string{"--unix", "/s", "--cafile", f.CA}, want{scheme: transport.Unix, host: "/s", port: 1883}},
		{[]string{"-h", ""}, want{text: "Unable to connect (Lookup error.).\n"}},
		{[]string{"-p", "0", "-h", ""}, want{text: "Unable to connect (Invalid function arguments provided.).\n"}},
		{[]string{"-L", "mqtt://b:70000/t"}, want{text: "Unable to connect (Invalid function arguments provided.).\n"}},
		{[]string{"--capath", f.Dir + "/none"}, want{text: "Error: Problem setting TLS options: File not found.\n"}},
	} {
		args := append([]string{"-m", "x"}, c.args...)
		if !strings.HasPrefix(strings.Join(c.args, " "), "-L") {
			args = append(args, "-t", "x")
		}
		o, text := linkedWith(t, mosqargs.Pub, args...)
		got := want{text: text}
		if o != nil {
			d := o.Session.Dial
			got = want{scheme: d.Scheme, host: d.Host, port: d.Port}
			if d.Scheme == transport.Unix {
				got.host = d.UnixPath
			}
			if d.TLS != nil {
				switch {
				case d.TLS.RootCAs == nil:
					got.roots = "system"
				case d.TLS.RootCAs.Equal(certs.Pool()):
					got.roots = "ca"
				default:
					got.roots = "ca+system"
				}
			}
		}
		if got != c.want {
			t.Errorf("mosquitto_pub %q:\n got %+v\nwant %+v", c.args, got, c.want)
		}
	}
}

// libmosquitto's receive-maximum: 20, sub's -C below it, 1 for rr; the user's -D wins; none on 3.1.1.
func TestLinkedReceiveMaximum(t *testing.T) {
	for _, c := range []struct {
		p    mosqargs.Program
		args []string
		want int // -1: no CONNECT properties
	}{
		{mosqargs.Pub, []string{"-t", "x", "-m", "y", "-V", "5"}, 20},
		{mosqargs.Sub, []string{"-t", "x", "-V", "5", "-C", "3"}, 3},
		{mosqargs.Sub, []string{"-t", "x", "-V", "5", "-C", "30"}, 20},
		{mosqargs.RR, []string{"-t", "x", "-e", "r", "-m", "y"}, 1},
		{mosqargs.Pub, []string{"-t", "x", "-m", "y", "-D", "connect", "receive-maximum", "7"}, 7},
		{mosqargs.Pub, []string{"-t", "x", "-m", "y"}, -1},
	} {
		o, text := linkedWith(t, c.p, c.args...)
		if text != "" {
			t.Fatalf("%s %q: %s", c.p.Name(), c.args, text)
		}
		got := -1
		if p := o.Session.ConnectProps; p != nil {
			got = int(*p.ReceiveMaximum)
		}
		if got != c.want {
			t.Errorf("%s %q: receive-maximum %d, want %d", c.p.Name(), c.args, got, c.want)
		}
	}
}
