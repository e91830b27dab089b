package broker

import (
	"strings"
	"testing"
	"time"
)

func TestParseExpiration(t *testing.T) {
	day := 24 * time.Hour
	for s, want := range map[string]time.Duration{"12h": 12 * time.Hour, "14d": 14 * day, "2w": 14 * day, "6m": 180 * day, "1y": 365 * day} {
		if got, err := ParseExpiration(s); got != want || err != nil {
			t.Errorf("%s: %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "-1d", "1.5d", "10", "1 d", "1D"} {
		if _, err := ParseExpiration(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

func TestReadFileConfig(t *testing.T) {
	c, err := ReadFileConfig(strings.NewReader(`# every line mqtt broker reads
listener 1883 127.0.0.1
listener 8883
cafile ca.crt
certfile server.crt
keyfile server.key
require_certificate true
use_identity_as_username true
listener 0 /tmp/mqtt.sock
password_file passwd
acl_file acl
allow_anonymous false
persistence true
persistence_location /var/lib/mqtt/
max_queued_messages 0
max_inflight_messages 10
persistent_client_expiration 14d
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Listeners) != 3 {
		t.Fatalf("listeners: %+v", c.Listeners)
	}
	tls := c.Listeners[1]
	if tls.Port != 8883 || tls.Address != "" || tls.CAFile != "ca.crt" || tls.CertFile != "server.crt" ||
		tls.KeyFile != "server.key" || !tls.RequireCertificate || !tls.UseIdentityAsUsername {
		t.Errorf("tls listener: %+v", tls)
	}
	if c.Listeners[0].Address != "127.0.0.1" || c.Listeners[2].Address != "/tmp/mqtt.sock" {
		t.Errorf("listeners: %+v", c.Listeners)
	}
	if c.PasswordFile != "passwd" || c.ACLFile != "acl" || c.AllowAnonymous == nil || *c.AllowAnonymous ||
		!c.Persistence || c.PersistenceLocation != "/var/lib/mqtt/" || *c.MaxQueued != 0 || *c.MaxInflight != 10 ||
		c.PersistentClientExpiration != 14*24*time.Hour {
		t.Errorf("config: %+v", c)
	}
}

func TestReadFileConfigErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"listener 1883\nbridge_protocol_version mqttv311", `line 2: "bridge_protocol_version" is not an option mqtt broker reads`},
		{"certfile a.crt", "line 1: certfile must follow a listener line"},
		{"listener 99999", `line 1: listener: invalid port "99999"`},
		{"allow_anonymous yes", `line 1: allow_anonymous: want true or false, not "yes"`},
		{"max_queued_messages -1", "line 1: max_queued_messages: want a count"},
		{"persistent_client_expiration 3s", `line 1: persistent_client_expiration: want a number and one of h, d, w, m, y (as 14d), not "3s"`},
		{"persistent_client_expiration 0d", `persistent_client_expiration: want a number`},
	} {
		_, err := ReadFileConfig(strings.NewReader(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.file, err, c.want)
		}
	}
}
