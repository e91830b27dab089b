package cmd

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mqtt/internal/fakebroker"
	"mqtt/internal/iostreams"
)

// against runs the command line args (without -h and -p) against a fake broker running script, in this
// process, and returns exit code, stdout, stderr and the broker.
func against(t *testing.T, script fakebroker.Script, args ...string) (int, string, string, *fakebroker.Broker) {
	t.Helper()
	b := fakebroker.Start(t, script)
	args = append(args, "-h", "127.0.0.1", "-p", b.PortString())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	io, out, errOut := iostreams.Test("")
	code := RunWith(ctx, args, io)
	if ctx.Err() != nil {
		t.Fatalf("%s: still running after 30 s", strings.Join(args, " "))
	}
	return code, out.String(), errOut.String(), b
}

// mosquittoExit is the exit code of a real mosquitto client against a fake broker running script, or -1
// when it is not installed.
func mosquittoExit(t *testing.T, script fakebroker.Script, args ...string) int {
	t.Helper()
	if _, err := exec.LookPath(args[0]); err != nil {
		return -1
	}
	b := fakebroker.Start(t, script)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := exec.CommandContext(ctx, args[0], append(args[1:], "-h", "127.0.0.1", "-p", b.PortString())...).Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

var (
	pubackForQoS2 = fakebroker.Serve(fakebroker.Replies{fakebroker.PUBLISH: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
		return c.Send(fakebroker.Ack(fakebroker.PUBACK, p.ID())) == nil
	}})
	refuseV5AsV3   = fakebroker.Serve(fakebroker.Replies{fakebroker.CONNECT: fakebroker.Send([]byte{0x20, 2, 0, 1})})
	closeOnConnect = fakebroker.Serve(fakebroker.Replies{fakebroker.CONNECT: fakebroker.Close})
)

// A broker that takes QoS 2 as QoS 1 (RabbitMQ) answers a QoS 2 PUBLISH with a PUBACK: the run ends at
// once, exit 2 as mosquitto_pub's, saying what happened and what to do.
func TestQoS2AnsweredWithPuback(t *testing.T) {
	code, _, errOut, _ := against(t, pubackForQoS2, "mqtt", "pub", "-t", "t", "-m", "x", "-q", "2")
	if code != 2 || !strings.Contains(errOut, "answered a QoS 2 message with a PUBACK") || !strings.Contains(errOut, "-q 1") {
		t.Errorf("mqtt pub: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut, _ = against(t, pubackForQoS2, "mosquitto_pub", "-t", "t", "-m", "x", "-q", "2")
	if code != 2 || errOut != "Error: "+textProtocol+"\n" {
		t.Errorf("linked: exit %d, stderr %q", code, errOut)
	}
	if c := mosquittoExit(t, pubackForQoS2, "mosquitto_pub", "-t", "t", "-m", "x", "-q", "2"); c != -1 && c != 2 {
		t.Errorf("mosquitto_pub exits %d now", c)
	}
}

// A broker that speaks only 3.1.1 (aedes) answers a v5 CONNECT with a 3.1.1 CONNACK, code 1: exit 132
// with mosquitto's one line.
func TestV5RefusedByA311Broker(t *testing.T) {
	const want = "Connection error: Unsupported Protocol Version. Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.\n"
	for _, args := range [][]string{{"mqtt", "sub", "-V", "5", "-t", "t"}, {"mosquitto_sub", "-V", "5", "-t", "t"},
		{"mqtt", "pub", "-V", "5", "-t", "t", "-m", "x"}, {"mosquitto_pub", "-V", "5", "-t", "t", "-m", "x"}} {
		if code, _, errOut, _ := against(t, refuseV5AsV3, args...); code != 132 || errOut != want {
			t.Errorf("%s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
	}
	const rr = "Connection error: Unsupported Protocol Version. mosquitto_rr only supports connecting to an MQTT v5 broker\n"
	if code, _, errOut, _ := against(t, refuseV5AsV3, "mosquitto_rr", "-t", "t", "-e", "r", "-m", "x"); code != 132 || errOut != rr {
		t.Errorf("mosquitto_rr: exit %d, stderr %q", code, errOut)
	}
	if c := mosquittoExit(t, refuseV5AsV3, "mosquitto_pub", "-V", "5", "-t", "t", "-m", "x"); c != -1 && c != 132 {
		t.Errorf("mosquitto_pub exits %d now", c)
	}
}

// A broker that closes the connection on a v5 CONNECT (RabbitMQ) is said to perhaps not speak MQTT 5,
// not to be a TLS port; one whose CONNACK does not fit our maximum-packet-size is named as such. Exit 7,
// mosquitto_pub's "connection lost".
func TestV5ConnectMetByAClose(t *testing.T) {
	code, _, errOut, _ := against(t, closeOnConnect, "mqtt", "pub", "-V", "5", "-t", "t", "-m", "x")
	if code != 7 || !strings.Contains(errOut, "may not speak MQTT 5; try -V 311") || strings.Contains(errOut, "TLS") {
		t.Errorf("mqtt pub -V 5: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut, _ = against(t, closeOnConnect, "mqtt", "sub", "-V", "5", "-t", "t", "-D", "connect", "maximum-packet-size", "10")
	if code != 7 || !strings.Contains(errOut, "at most 10 bytes (-D connect maximum-packet-size)") || strings.Contains(errOut, "TLS") {
		t.Errorf("mqtt sub -D connect maximum-packet-size 10: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut, _ = against(t, closeOnConnect, "mosquitto_pub", "-V", "5", "-t", "t", "-m", "x")
	if code != 7 || errOut != "Error: "+textConnLost+"\n" {
		t.Errorf("linked: exit %d, stderr %q", code, errOut)
	}
	if c := mosquittoExit(t, closeOnConnect, "mosquitto_pub", "-V", "5", "-t", "t", "-m", "x"); c != -1 && c != 7 {
		t.Errorf("mosquitto_pub exits %d now", c)
	}
}

// A broker that accepts the connection and never answers ends the run with mosquitto's code 19
// (MOSQ_ERR_KEEPALIVE), and mqtt's words.
func TestSilentBroker(t *testing.T) {
	code, _, errOut, _ := against(t, fakebroker.Hold, "mqtt", "pub", "-t", "t", "-m", "x", "-k", "5")
	if code != 19 || !strings.Contains(errOut, "no CONNACK from the broker within 7.5s") {
		t.Errorf("mqtt pub: exit %d, stderr %q", code, errOut)
	}
}

// Every malformed packet, or one a broker must not send, ends the run at once: exit 2 and mosquitto's
// words, nothing that followed printed, no reconnecting; native and linked, sub and pub.
func TestBrokerProtocolErrors(t *testing.T) {
	bad := []struct {
		name string
		v5   bool
		b    []byte
	}{
		{"five length bytes", false, []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"PUBLISH QoS 3", false, []byte{0x36, 5, 0, 1, 'a', 0, 1}},
		{"topic longer than its packet", false, []byte{0x30, 3, 0, 9, 'a'}},
		{"topic not UTF-8", false, []byte{0x30, 4, 0, 2, 0xc3, 0x28}},
		{"NUL in a topic", false, []byte{0x30, 5, 0, 3, 'a', 0, 'b'}},
		{"wildcard in a topic", false, []byte{0x30, 5, 0, 3, 'a', '/', '#'}},
		{"QoS 1 PUBLISH with id 0", false, []byte{0x32, 5, 0, 1, 'a', 0, 0}},
		{"packet type 0", false, []byte{0x00, 0}},
		{"SUBSCRIBE", false, []byte{0x82, 6, 0, 1, 0, 1, 'a', 0}},
		{"CONNECT", false, []byte{0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0}},
		{"v5 PUBLISH with properties past its end", true, []byte{0x30, 5, 0, 1, 'a', 9, 1}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			script := fakebroker.Serve(fakebroker.Replies{
				fakebroker.SUBSCRIBE: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
					return fakebroker.Standard(c, p) && c.Send(tc.b, fakebroker.Publish(tc.v5, "after", "AFTER", 0, false, 0)) == nil
				},
				fakebroker.PUBLISH: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
					return c.Send(tc.b, fakebroker.Ack(fakebroker.PUBACK, p.ID())) == nil
				},
			})
			v := "311"
			if tc.v5 {
				v = "5"
			}
			for _, args := range [][]string{
				{"mqtt", "sub", "-t", "#", "-V", v}, {"mosquitto_sub", "-t", "#", "-V", v},
				{"mqtt", "pub", "-t", "t", "-m", "x", "-q", "1", "-V", v}, {"mosquitto_pub", "-t", "t", "-m", "x", "-q", "1", "-V", v},
			} {
				code, out, errOut, b := against(t, script, args...)
				if code != 2 || !strings.Contains(errOut, textProtocol) || strings.Contains(out, "AFTER") || b.Connections() != 1 {
					t.Errorf("%s: exit %d after %d connections, stdout %q, stderr %q", strings.Join(args, " "), code,
						b.Connections(), out, errOut)
				}
				if strings.HasPrefix(args[0], "mosquitto_") && errOut != "Error: "+textProtocol+"\n" {
					t.Errorf("%s: stderr %q, want mosquitto's line", args[0], errOut)
				}
			}
		})
	}
}

// Our own -D connect maximum-packet-size holds for what we receive: a larger packet is a protocol error.
func TestOurMaximumPacketSize(t *testing.T) {
	big := fakebroker.Publish(true, "big", string(bytes.Repeat([]byte("x"), 200)), 0, false, 0)
	script := fakebroker.Serve(fakebroker.Replies{fakebroker.SUBSCRIBE: fakebroker.Then(fakebroker.Standard, fakebroker.Send(big))})
	code, out, errOut, _ := against(t, script, "mqtt", "sub", "-V", "5", "-t", "#", "-D", "connect", "maximum-packet-size", "100")
	if code != 2 || out != "" || !strings.Contains(errOut, "a packet of 209 bytes, more than the maximum-packet-size of 100") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A v5 DISCONNECT from a broker that then leaves the socket open ends a QoS 1 publish at once, counted
// as not acknowledged, rather than waiting for a reader that paho has stopped.
func TestServerDisconnectEndsAPublish(t *testing.T) {
	script := fakebroker.Serve(fakebroker.Replies{fakebroker.CONNECT: fakebroker.Then(fakebroker.Standard,
		fakebroker.Send(fakebroker.Disconnect(true, 0x8e))), fakebroker.PUBLISH: fakebroker.Silent})
	for _, args := range [][]string{{"mqtt", "pub", "--no-reconnect"}, {"mosquitto_pub"}} {
		args = append(args, "-V", "5", "-t", "t", "-m", "x", "-q", "1")
		code, _, errOut, _ := against(t, script, args...)
		if code != 1 || !strings.Contains(errOut, "1 of 1 messages were not acknowledged") || !strings.Contains(errOut, "same id") {
			t.Errorf("%s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
	}
}

// Linked as mosquitto_pub, mqtt reconnects after a lost connection, as libmosquitto's loop does, but
// not after the broker's DISCONNECT: the run ends, counting what was not acknowledged.
func TestLinkedPubEndsOnTheBrokersDisconnect(t *testing.T) {
	script := fakebroker.Serve(fakebroker.Replies{fakebroker.CONNECT: fakebroker.Then(fakebroker.Standard,
		fakebroker.Send(fakebroker.Disconnect(true, 0x8b))), fakebroker.PUBLISH: fakebroker.Silent})
	code, _, errOut, b := against(t, script, "mosquitto_pub", "-V", "5", "-t", "t", "-m", "x", "-q", "1")
	if code != 1 || !strings.Contains(errOut, "1 of 1 messages were not acknowledged") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if n := b.Connections(); n != 1 {
		t.Errorf("%d connections, want 1: a DISCONNECT is not a reason to reconnect", n)
	}
}

// Two clients with one id on MQTT 3.1.1 throw each other off: the broker closes each connection right
// after accepting it. After a few such drops in a row mqtt sub says what the likely cause is, once, and
// goes on reconnecting.
func TestSameIDIsNamedAfterRepeatedDrops(t *testing.T) {
	script := func(c *fakebroker.Conn) {
		fakebroker.Serve(fakebroker.Replies{fakebroker.SUBSCRIBE: func(c *fakebroker.Conn, p fakebroker.Packet) bool {
			if !fakebroker.Standard(c, p) || c.N <= 4 {
				return false // taken over
			}
			return c.Send(fakebroker.Publish(false, "t", "at last", 0, false, 0)) == nil
		}})(c)
	}
	code, out, errOut, b := against(t, script, "mqtt", "sub", "-t", "t", "-i", "dupid", "-C", "1", "--reconnect-max-delay", "0.5")
	if code != 0 || out != "at last\n" || b.Connections() != 5 {
		t.Fatalf("exit %d after %d connections, stdout %q, stderr %q", code, b.Connections(), out, errOut)
	}
	if n := strings.Count(errOut, `another client using the id "dupid" is the likely cause`); n != 1 {
		t.Errorf("told %d times:\n%s", n, errOut)
	}
}
