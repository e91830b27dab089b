package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestQuickstart runs scripts/quickstart, which types the README's quick start line by line into one
// terminal (script(1) gives it one) against `mqtt broker`, as a user on a machine without a broker would.
// Every line must end by itself, the terminal must show the view and then mosquitto's bytes where the README
// says so, rr must get its reply, and nothing may flood the screen.
func TestQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the quick start")
	}
	if _, err := exec.LookPath("script"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("script(1) is not installed; CI must run the quick start on a terminal (see .ci/run)")
		}
		t.Skip("no script(1) for a pseudo-terminal")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("script", "-qec", "bash scripts/quickstart", "/dev/null")
	cmd.Env = append(os.Environ(), "MQTT_PROFILE=", "XDG_CONFIG_HOME="+t.TempDir(), "NO_COLOR=", "TERM=xterm")
	raw, err := cmd.CombinedOutput()
	out := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if err != nil {
		t.Fatalf("scripts/quickstart: %v\n%s", err, out)
	}
	plain := regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(out, "")
	for _, want := range []*regexp.Regexp{
		// The view of the retained reading, on the terminal.
		regexp.MustCompile(`(?m)^── \d{4}-\d\d-\d\d \w+day ──\n\d\d:\d\d:\d\d\.\d{3}  Long-Home/Küche/Temperatur  q0 retained\n  21\.5$`),
		// --view plain: mosquitto's bytes, on the same terminal.
		regexp.MustCompile(`(?m)^Long-Home/Küche/Temperatur 21\.5$`),
		// rr's reply from the responder.
		regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{3}  Long-Home/answer  q0\n  pong$`),
	} {
		if !want.MatchString(plain) {
			t.Errorf("the quick start's terminal lacks %s:\n%s", want, plain)
		}
	}
	// Every line of the README's block ran, the broker's aside.
	block := regexp.MustCompile("(?s)## Quick start\n.*?```sh\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no ```sh block under ## Quick start")
	}
	for _, line := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		if !strings.HasPrefix(line, "mqtt broker ") && !strings.Contains(plain, "$ "+line+"\n") {
			t.Errorf("README line not run: %s", line)
		}
	}
	// No flood: the 100,000 published lines reach no terminal.
	if n := strings.Count(plain, "\n"); n > 40 {
		t.Errorf("the quick start printed %d lines on the terminal:\n%.2000s", n, plain)
	}
}
