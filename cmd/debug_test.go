package cmd

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/iostreams"
)

// assignIDs is a broker that gives an MQTT 5 client without an id one of its own, as mosquitto does,
// and sends a subscriber two QoS 1 messages once it has answered its last packet of type after (the nth;
// 0 for none).
func assignIDs(after byte, nth int) fakebroker.Script {
	return func(c *fakebroker.Conn) {
		seen := 0
		fakebroker.Serve(fakebroker.Replies{
			fakebroker.CONNECT: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
				if c.Version == 5 && p.ClientID() == "" {
					return c.Send(fakebroker.Connack(true, 0, fakebroker.StringProp(0x12, "auto-5D1C"))) == nil
				}
				return fakebroker.Standard(c, p)
			},
			fakebroker.PUBLISH: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
				if !fakebroker.Standard(c, p) {
					return false
				}
				return p.Topic() != "rq" || c.Send(fakebroker.Publish(c.Version == 5, "rp", "reply", 0, false, 0)) == nil // rr's request
			},
			after: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
				if !fakebroker.Standard(c, p) {
					return false
				}
				if seen++; seen == nth {
					v5 := c.Version == 5
					return c.Send(fakebroker.Publish(v5, "a", "one", 1, false, 1), fakebroker.Publish(v5, "b", "two", 1, false, 2)) == nil
				}
				return true
			},
		})(c)
	}
}

// transcript runs a client against the fake broker and returns its stdout and stderr.
func transcript(t *testing.T, script fakebroker.Script, real bool, args ...string) (string, string) {
	t.Helper()
	b := fakebroker.Start(t, script)
	args = append(args, "-h", "127.0.0.1", "-p", b.PortString())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if real {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String(), errOut.String()
	}
	io, out, errOut := iostreams.Test("")
	if code := RunWith(ctx, args, io); code != 0 {
		t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out.String(), errOut.String()
}

// -d is mosquitto's: the same lines in the same order (the packets, "Subscribed (mid: 1): 1, 1", the
// messages), the client id the broker assigned once it is known. Linked, all on stdout as libmosquitto
// prints them; as mqtt, the -d lines on stderr and the messages on stdout.
func TestDebugTranscriptsAsMosquittos(t *testing.T) {
	needMosquittoClients(t)
	for _, tc := range []struct {
		name   string
		script fakebroker.Script
		prog   string
		args   []string
	}{
		{"pub QoS 0 and 1", assignIDs(0, 0), "pub", []string{"-d", "-t", "t", "-m", "hello", "-q", "1", "-i", "me"}},
		{"pub v5 assigned id QoS 2", assignIDs(0, 0), "pub", []string{"-d", "-V", "5", "-t", "t", "-m", "x", "-q", "2"}},
		{"pub v5 QoS 0 repeated", assignIDs(0, 0), "pub", []string{"-d", "-V", "5", "-t", "t", "-m", "x", "--repeat", "3"}},
		{"sub v3.1.1", assignIDs(fakebroker.SUBSCRIBE, 1), "sub", []string{"-d", "-t", "a", "-t", "b", "-q", "1", "-C", "2", "-i", "s"}},
		{"sub v5 assigned id and -U", assignIDs(fakebroker.UNSUBSCRIBE, 2), "sub", []string{"-d", "-V", "5", "-t", "a", "-t", "b", "-q", "1", "-C", "2", "-U", "x", "-U", "y", "-v"}},
		{"rr", assignIDs(0, 0), "rr", []string{"-d", "-t", "rq", "-e", "rp", "-m", "ask"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prog == "pub" && strings.Contains(strings.Join(tc.args, " "), "--repeat") {
				if out, _ := exec.Command("mosquitto_pub", "--help").CombinedOutput(); !strings.Contains(string(out), "--repeat") {
					t.Skip("this mosquitto_pub has no --repeat")
				}
			}
			want, _ := transcript(t, tc.script, true, append([]string{"mosquitto_" + tc.prog}, tc.args...)...)
			if tc.prog == "rr" {
				want += "Client auto-5D1C sending DISCONNECT\n" // mqtt's rr disconnects (README)
			}
			linked, _ := transcript(t, tc.script, false, append([]string{"mosquitto_" + tc.prog}, tc.args...)...)
			if linked != want {
				t.Errorf("linked mosquitto_%s printed\n%s\nwhere mosquitto_%s printed\n%s", tc.prog, linked, tc.prog, want)
			}
			var debug, messages []string
			for _, l := range strings.SplitAfter(want, "\n") {
				if strings.HasPrefix(l, "Client ") || strings.HasPrefix(l, "Subscribed (mid: ") {
					debug = append(debug, l)
				} else {
					messages = append(messages, l)
				}
			}
			out, errOut := transcript(t, tc.script, false, append([]string{"mqtt", tc.prog}, tc.args...)...)
			if errOut != strings.Join(debug, "") || out != strings.Join(messages, "") {
				t.Errorf("mqtt %s printed\n%s\non stderr and\n%s\non stdout; want\n%s\nand\n%s", tc.prog, errOut, out,
					strings.Join(debug, ""), strings.Join(messages, ""))
			}
		})
	}
}
