package cmd

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	io, out, errOut := iostreams.Test("")
	code := RunWith(context.Background(), args, io)
	return code, out.String(), errOut.String()
}

// Linked as a mosquitto client, mqtt still takes WebSocket URLs, and prints -d lines on stdout as
// libmosquitto does.
func TestLinkedKeepsWebSocketAndDebugOnStdout(t *testing.T) {
	b := brokertest.Start(t, transport.TCP, transport.WS)
	ws := "ws://" + b.AddrOf(transport.WS) + "/link/ws"
	if code, _, errOut := run(t, "mosquitto_pub", "-L", ws, "-m", "over-ws", "-r"); code != 0 {
		t.Fatalf("mosquitto_pub -L ws://: exit %d: %s", code, errOut)
	}
	port := strconv.Itoa(b.Port(transport.TCP))
	code, out, _ := run(t, "/usr/local/bin/mosquitto_sub", "-p", port, "-t", "link/ws", "-C", "1", "-d", "-i", "me")
	if code != 0 || !strings.Contains(out, "\nover-ws\n") || !strings.Contains(out, "Client me sending CONNECT\n") {
		t.Fatalf("mosquitto_sub: exit %d, stdout %q", code, out)
	}
}

// Runtime errors are mosquitto's words: strerror for a refused connection.
func TestLinkedRuntimeWording(t *testing.T) {
	code, _, errOut := run(t, "mosquitto_sub", "-p", "1", "-t", "x")
	if code != 1 || errOut != "Error: Connection refused\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, "mosquitto_sub", "-p", "1", "-t", "x", "--quiet")
	if code != 1 || errOut != "" {
		t.Fatalf("--quiet: exit %d, stderr %q", code, errOut)
	}
}

// mqtt's own commands keep their own wording from the same tables.
func TestOwnWording(t *testing.T) {
	code, _, errOut := run(t, "mqtt", "pub", "-p", "1", "-t", "a", "-m", "x", "-q", "3")
	want := "Error: Invalid QoS given: 3 (use 0, 1 or 2).\nUse 'mqtt pub --help' to see usage.\n"
	if code != 1 || errOut != want {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// -F is mosquitto 2.0.11's language when linked: what 2.1 added is refused with 2.0.11's words, and a
// precision on %x groups nothing; mqtt sub reads the same format with 2.1's groups.
func TestLinkedFormatIs2011(t *testing.T) {
	for spec, char := range map[string]string{"%f": "f", "%10.3d": "d", "%.2:x": ":"} {
		code, _, errOut := run(t, "mosquitto_sub", "-p", "1", "-t", "x", "-F", spec)
		want := "Error: Invalid format specifier '" + char + "'.\n\nUse 'mosquitto_sub --help' to see usage.\n"
		if code != 1 || errOut != want {
			t.Errorf("mosquitto_sub -F %q: exit %d, stderr %q, want %q", spec, code, errOut, want)
		}
	}
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	if code, _, errOut := run(t, "mqtt", "pub", "-p", port, "-t", "link/hex", "-m", "hello", "-r"); code != 0 {
		t.Fatalf("mqtt pub: exit %d: %s", code, errOut)
	}
	for prog, want := range map[string]string{"mosquitto_sub": "68656c6c6f\n", "mqtt": "6865 6c6c 6f\n"} {
		args := []string{prog, "-p", port, "-t", "link/hex", "-C", "1", "-F", "%.4x"}
		if prog == "mqtt" {
			args = append([]string{"mqtt", "sub"}, args[1:]...)
		}
		if code, out, errOut := run(t, args...); code != 0 || out != want {
			t.Errorf("%s -F %%.4x: exit %d, stdout %q, want %q; stderr %q", prog, code, out, want, errOut)
		}
	}
}
