package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

// TestReadmePayloadExamples runs the README's examples of --decode, --encode, --filter and --select, a
// console block of "$ command" lines each followed by what it prints (stdout and stderr), against a broker
// of the test's own, and checks that each prints exactly that: an example that has drifted from the
// program fails here.
func TestReadmePayloadExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## Payloads as data: decode, encode, filter\n.*?```console\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no ```console block under ## Payloads as data")
	}
	type example struct{ cmd, want string }
	var examples []example
	for _, line := range strings.SplitAfter(string(block[1]), "\n") {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			examples = append(examples, example{cmd: strings.TrimSuffix(cmd, "\n")})
		} else if len(examples) > 0 {
			examples[len(examples)-1].want += line
		}
	}
	if len(examples) < 5 {
		t.Fatalf("the README's block has %d examples", len(examples))
	}
	dir, err := linkedBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, port, _ := splitPort(b.Addr(0))
	work := t.TempDir()
	for _, e := range examples {
		cmd := exec.Command("bash", "-c", e.cmd)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PATH="+dir+string(filepath.ListSeparator)+os.Getenv("PATH"),
			"MQTT_HOST=127.0.0.1", "MQTT_PORT="+port, "MQTT_PROFILE=", "XDG_CONFIG_HOME="+work, "NO_COLOR=1")
		out, _ := cmd.CombinedOutput()
		if string(out) != e.want {
			t.Errorf("$ %s\nprinted\n%s\nthe README says\n%s", e.cmd, out, e.want)
		}
	}
}
