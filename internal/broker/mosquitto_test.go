package broker_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/testtool"
	"mqtt/internal/transport"
)

// The mosquitto clients are the reference the CLI copies: they must work against this broker, over
// TLS with certificate files too.
func TestMosquittoClients(t *testing.T) {
	for _, tool := range []string{"mosquitto_pub", "mosquitto_sub"} {
		testtool.Path(t, tool, "mosquitto-clients")
	}
	b := brokertest.Start(t, transport.TCP, transport.TLS)
	files := b.Certs.Files(t)
	tlsArgs := []string{"--cafile", files.CA, "--cert", files.ClientCert, "--key", files.ClientKey}
	for _, s := range []transport.Scheme{transport.TCP, transport.TLS} {
		for _, v := range []string{"mqttv31", "mqttv311", "mqttv5"} {
			t.Run(string(s)+"/"+v, func(t *testing.T) {
				topic := "mosquitto/" + string(s) + "/" + v
				args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(b.Port(s)), "-V", v, "-t", topic}
				if s == transport.TLS {
					args = append(args, tlsArgs...)
				}
				// Retained, so the subscriber gets it whenever it arrives.
				run(t, "mosquitto_pub", append(args, "-r", "-q", "1", "-m", "hello")...)
				if out := run(t, "mosquitto_sub", append(args, "-C", "1", "-W", "10")...); out != "hello\n" {
					t.Fatalf("mosquitto_sub printed %q, want hello", out)
				}
			})
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
