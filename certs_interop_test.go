package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"mqtt/internal/testcert"
)

// Client certificates as mosquitto's listener options: require_certificate with a cafile, and
// use_identity_as_username with an ACL on the certificate's CN. The same clients go to `mosquitto
// -c` and to `mqtt broker -c` with the same settings, and must fare the same.
func TestClientCertificatesAgainstMosquitto(t *testing.T) {
	needMosquitto(t)
	certs := testcert.New(t)
	dir := t.TempDir()
	files, err := certs.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	acl := filepath.Join(dir, "acl")
	if err := os.WriteFile(acl, []byte("user "+testcert.ClientCN+"\ntopic readwrite cert/#\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	// The first listener trusts the CA that signed the client's certificate, the second another.
	conf := func(p [2]int) string {
		return fmt.Sprintf("acl_file %s\n"+
			"listener %d 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\nuse_identity_as_username true\n"+
			"listener %d 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\nuse_identity_as_username true\n",
			acl, p[0], files.CA, files.ServerCert, files.ServerKey, p[1], files.OtherCA, files.ServerCert, files.ServerKey)
	}
	mosq := startMosquitto(t, conf([2]int{ports[0], ports[1]}))
	mqttPorts, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	confFile := filepath.Join(dir, "mqtt.conf")
	if err := os.WriteFile(confFile, []byte(conf([2]int{mqttPorts[0], mqttPorts[1]})), 0o600); err != nil {
		t.Fatal(err)
	}
	ours := startMqttBroker(t, "-c", confFile)
	cases := []struct {
		name    string
		cert    *testcert.Pair
		otherCA bool
		topic   string
		want    string
	}{
		{name: "certificate signed by the CA, topic its CN may write", cert: certs.Client, topic: "cert/x", want: "connack 0x00; puback 0x00"},
		{name: "certificate signed by the CA, topic its CN may not write", cert: certs.Client, topic: "other/x", want: "connack 0x00; puback 0x87"},
		{name: "no certificate", topic: "cert/x", want: "refused by TLS"},
		{name: "certificate of another CA", cert: certs.Client, otherCA: true, topic: "cert/x", want: "refused by TLS"},
		{name: "expired certificate", cert: certs.Expired, topic: "cert/x", want: "refused by TLS"},
	}
	for _, b := range []struct {
		broker *testBroker
		ports  []int
	}{{mosq, ports}, {ours, mqttPorts}} {
		for _, c := range cases {
			port := b.ports[0]
			if c.otherCA {
				port = b.ports[1]
			}
			cfg := certs.ClientConfig()
			cfg.ServerName = "localhost"
			if c.cert != nil {
				cfg.Certificates = []tls.Certificate{c.cert.TLS()}
			}
			got := tlsOutcome(t, fmt.Sprintf("127.0.0.1:%d", port), cfg, c.topic)
			if got != c.want {
				t.Errorf("%s: %s: got %q, want %q", b.broker.name, c.name, got, c.want)
			}
		}
	}
}

// tlsOutcome connects over TLS as MQTT 5 with no user name and publishes to topic at QoS 1.
func tlsOutcome(t *testing.T, addr string, cfg *tls.Config, topic string) string {
	conn, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return "refused by TLS" // TLS 1.2: the handshake fails
	}
	defer conn.Close()
	c, code, err := connectRaw(t, conn, connectOpts{id: "certified", version: 5, clean: true, user: "ignored", pass: "ignored"})
	if err != nil {
		// TLS 1.3: the server's verdict on the certificate comes after the client's handshake
		// is done, as an alert (Go) or a reset (OpenSSL) on the first read or write.
		return "refused by TLS"
	}
	if code != 0 {
		return fmt.Sprintf("connack %#02x", code)
	}
	// A subscriber, so that mosquitto does not answer 0x10 (no matching subscribers).
	c.subscribe("cert/#", 0)
	return fmt.Sprintf("connack 0x00; %s", c.publish(topic, 1, false, "m"))
}
