package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestQuickstart runs scripts/quickstart, the README's quick start against `mqtt broker`, as a user on a
// machine without a broker would.
func TestQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the quick start")
	}
	cmd := exec.Command("bash", "scripts/quickstart")
	cmd.Env = append(os.Environ(), "MQTT_PROFILE=", "XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/quickstart: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Long-Home/Küche/Temperatur 21.5\n",
		"Long-Home/counter 1\n",
		"ping\n",
		" Long-Home/Küche/Temperatur 21.5\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("quick start output lacks %q:\n%s", want, out)
		}
	}
}
