package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/iostreams"
)

// needMosquittoClients skips a test without mosquitto's clients, except in CI, where they must be there.
func needMosquittoClients(t *testing.T) {
	t.Helper()
	for _, c := range []string{"mosquitto_pub", "mosquitto_sub", "mosquitto_rr"} {
		if _, err := exec.LookPath(c); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; CI must compare with it (apt-get install mosquitto-clients)", c)
			}
			t.Skipf("%s is not installed", c)
		}
	}
}

// sentBy runs a client against a fake broker running script and returns the packets it sent, client ids
// and packet ids masked. mosquitto names the real mosquitto client (mosquitto_pub...), run as a process;
// any other name (mqtt, or mosquitto_pub for the linked mode) runs in this process.
func sentBy(t *testing.T, script fakebroker.Script, real bool, args ...string) [][]byte {
	t.Helper()
	b := fakebroker.Start(t, script)
	args = append(args, "-h", "127.0.0.1", "-p", b.PortString())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if real {
		if out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	} else {
		io, _, errOut := iostreams.Test("")
		if code := RunWith(ctx, args, io); code != 0 {
			t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
	}
	if !b.WaitEnded(10 * time.Second) {
		t.Fatalf("%s: the client did not hang up", strings.Join(args, " "))
	}
	var out [][]byte
	for _, p := range b.Packets() {
		out = append(out, p.Masked())
	}
	return out
}

func hexPackets(ps [][]byte) string {
	var s strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&s, "  % x\n", p)
	}
	return s.String()
}

// sendAfter gives a subscriber a QoS 1 message to acknowledge once it has answered the nth packet of
// type typ: the last of what the subscriber sends on connecting, so that it reads every answer before
// the message ends its run (a client that exits with answers unread resets the connection, and the
// broker may lose what it sent last).
func sendAfter(typ byte, nth int) fakebroker.Script {
	return func(c *fakebroker.Conn) {
		seen := 0
		fakebroker.Serve(fakebroker.Replies{typ: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
			if !fakebroker.Standard(c, p) {
				return false
			}
			if seen++; seen == nth {
				return c.Send(fakebroker.Publish(c.Version == 5, "s/1", "m", 1, false, 7)) == nil
			}
			return true
		}})(c)
	}
}

// rr's request is answered on the response topic.
var answerRequest = fakebroker.Serve(fakebroker.Replies{fakebroker.PUBLISH: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
	return fakebroker.Standard(c, p) && c.Send(fakebroker.Publish(c.Version == 5, "rr/reply", "answer", 0, false, 0)) == nil
}})

// For the same arguments, mqtt pub, sub and rr write the bytes mosquitto's clients write, client ids and
// packet ids aside: CONNECT with its properties in command-line order, receive-maximum and will;
// PUBLISH with properties in command-line order; one SUBSCRIBE with every filter in order on every
// protocol version; UNSUBSCRIBE; the short acknowledgements and DISCONNECT of MQTT 5. Linked mode too.
func TestPacketsAsMosquittosClientsWriteThem(t *testing.T) {
	needMosquittoClients(t)
	props := []string{"-D", "publish", "user-property", "a", "b", "-D", "publish", "response-topic", "/r",
		"-D", "publish", "content-type", "ct", "-D", "publish", "user-property", "c", "d",
		"-D", "publish", "payload-format-indicator", "1"}
	will := []string{"--will-topic", "w", "--will-payload", "bye", "--will-qos", "1", "--will-retain"}
	for _, tc := range []struct {
		name   string
		script fakebroker.Script
		prog   string
		args   []string
		// noDisconnect: mosquitto_rr closes without a DISCONNECT, which mqtt sends (a README difference).
		noDisconnect bool
	}{
		{"pub v5 properties and will", fakebroker.Accept, "pub", append(append([]string{"-V", "5", "-t", "p/1", "-m", "x", "-q", "1", "-i", "me",
			"-D", "connect", "user-property", "k", "v", "-D", "connect", "maximum-packet-size", "1000", "-x", "60",
			"-D", "will", "user-property", "a", "b", "-D", "will", "content-type", "c", "-D", "will", "will-delay-interval", "5",
			"-D", "will", "message-expiry-interval", "7", "-u", "user", "-P", "pass", "-k", "30"}, will...), props...), false},
		{"pub v5 disconnect properties", fakebroker.Accept, "pub", []string{"-V", "5", "-t", "p/2", "-m", "x", "-q", "2", "-r",
			"-D", "disconnect", "reason-string", "done", "-D", "disconnect", "session-expiry-interval", "0"}, false},
		{"pub v3.1.1 will and login", fakebroker.Accept, "pub", append([]string{"-t", "p/3", "-m", "hello", "-q", "2", "-r",
			"-u", "user", "-P", "pass", "-i", "id", "-c"}, will...), false},
		{"pub v3.1", fakebroker.Accept, "pub", []string{"-V", "31", "-t", "p/4", "-m", "x", "-q", "1", "-i", "id31"}, false},
		{"pub empty username", fakebroker.Accept, "pub", []string{"-t", "p/5", "-n", "-u", ""}, false},
		{"sub v3.1.1 several filters", sendAfter(fakebroker.UNSUBSCRIBE, 2), "sub", []string{"-t", "a", "-t", "b/+", "-t", "#", "-q", "1",
			"-U", "x", "-U", "y/#", "-C", "1"}, false},
		{"sub v5 several filters and options", sendAfter(fakebroker.UNSUBSCRIBE, 1), "sub", []string{"-V", "5", "-t", "a", "-t", "b/+", "-q", "2", "-R",
			"--retain-as-published", "-i", "s5", "-c", "-D", "connect", "user-property", "k", "v", "-x", "30",
			"-D", "subscribe", "user-property", "s", "1", "-D", "subscribe", "subscription-identifier", "9",
			"-U", "z", "-D", "unsubscribe", "user-property", "u", "2", "-C", "1"}, false},
		{"sub v5 count under 20", sendAfter(fakebroker.SUBSCRIBE, 1), "sub", []string{"-V", "5", "-t", "c", "-q", "1", "-C", "1"}, false},
		{"rr", answerRequest, "rr", []string{"-t", "rr/req", "-e", "rr/reply", "-m", "ask", "-q", "1",
			"-D", "publish", "user-property", "a", "b", "-D", "publish", "content-type", "ct"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := sentBy(t, tc.script, true, append([]string{"mosquitto_" + tc.prog}, tc.args...)...)
			if tc.noDisconnect && len(want) > 0 && bytes.Equal(want[len(want)-1], []byte{0xe0, 0}) {
				t.Fatalf("mosquitto_rr sent a DISCONNECT now: drop noDisconnect and the README's note")
			}
			for _, argv0 := range [][]string{{"mqtt", tc.prog}, {"mosquitto_" + tc.prog}} {
				got := sentBy(t, tc.script, false, append(argv0, tc.args...)...)
				if tc.noDisconnect && len(got) > 0 && bytes.HasPrefix(got[len(got)-1], []byte{0xe0}) {
					got = got[:len(got)-1]
				}
				if !equalPackets(got, want) {
					t.Errorf("%s %s wrote\n%swhere mosquitto_%s wrote\n%s", strings.Join(argv0, " "),
						strings.Join(tc.args, " "), hexPackets(got), tc.prog, hexPackets(want))
				}
			}
		})
	}
}

func equalPackets(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
