package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

// logins records the credentials of every CONNECT the broker accepts.
type logins struct {
	mqtt.HookBase
	mu   sync.Mutex
	seen []string // "id user:password"
}

func (h *logins) ID() string { return "logins" }

func (h *logins) Provides(b byte) bool { return b == mqtt.OnConnect }

func (h *logins) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen = append(h.seen, cl.ID+" "+string(pk.Connect.Username)+":"+string(pk.Connect.Password))
	return nil
}

func (h *logins) last(t *testing.T) string {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.seen) == 0 {
		t.Fatal("no client connected")
	}
	return h.seen[len(h.seen)-1]
}

// setConfig points the profiles file at a fresh folder, clears every MQTT_* variable a developer's
// shell may have set, and writes config there.
func setConfig(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "MQTT_") {
			t.Setenv(k, "")
		}
	}
	path := filepath.Join(dir, "mqtt", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The password the broker gets follows the precedence, and -d never prints it.
func TestProfileCredentialsReachBroker(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	seen := &logins{}
	if err := b.Server().AddHook(seen, nil); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(b.Port(transport.TCP))
	dir := setConfig(t, `default = "b"
[profiles.b]
host = "127.0.0.1"
port = `+port+`
username = "puser"
password = "profile-secret"
`)
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, "puser:profile-secret"},
		{map[string]string{"MQTT_PASSWORD": "env-secret"}, nil, "puser:env-secret"},
		{map[string]string{"MQTT_PASSWORD": "env-secret", "MQTT_USERNAME": "euser"}, []string{"--password-file", filepath.Join(dir, "pw")}, "euser:file-secret"},
		{map[string]string{"MQTT_PASSWORD": "env-secret"}, []string{"-u", "fuser", "-P", "flag-secret"}, "fuser:flag-secret"},
	}
	for i, c := range cases {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		id := "c" + strconv.Itoa(i)
		args := append([]string{"mqtt", "pub", "-t", "t", "-m", "x", "-d", "-i", id}, c.args...)
		code, out, errOut := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if got := seen.last(t); got != id+" "+c.want {
			t.Errorf("env %v args %v: broker saw %q, want %q", c.env, c.args, got, id+" "+c.want)
		}
		if !strings.Contains(errOut, "sending CONNECT") || strings.Contains(out+errOut, "secret") {
			t.Errorf("-d output shows the password or no CONNECT:\n%s%s", out, errOut)
		}
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
}

// Linked as a mosquitto client, mqtt is mosquitto: MQTT_* variables and profiles change nothing.
func TestLinkedIgnoresProfilesAndEnvironment(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	setConfig(t, "default = \"b\"\n[profiles.b]\nid = \"from-profile\"\nport = 1\n")
	t.Setenv("MQTT_ID", "from-env")
	t.Setenv("MQTT_PORT", "1")
	t.Setenv("MQTT_PROFILE", "b")
	code, out, errOut := run(t, "mosquitto_pub", "-p", port, "-t", "t", "-m", "x", "-d")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "from-") || !strings.Contains(out, "sending CONNECT") {
		t.Errorf("linked mosquitto_pub took an MQTT_* variable or a profile:\n%s", out)
	}
}

// profile add writes what `mqtt pub` then uses, readable by its owner only.
func TestProfileAddWritesOwnerOnlyFile(t *testing.T) {
	dir := setConfig(t, "")
	code, _, errOut := run(t, "mqtt", "profile", "add", "p", "-h", "h", "-P", "secret")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	info, err := os.Stat(filepath.Join(dir, "mqtt", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	_, out, _ := run(t, "mqtt", "profile", "show", "p")
	if strings.Contains(out, "secret") || !bytes.Contains([]byte(out), []byte(`password = "(hidden)"`)) {
		t.Errorf("profile show:\n%s", out)
	}
}
