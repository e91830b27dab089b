package cmd

import (
	"context"
	"io"
	"runtime"
	"strconv"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

// endless is /dev/zero as a stream.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Local input without an end stops at the largest MQTT payload and one byte, with mosquitto's words;
// before, each of these read until Go ran out of memory.
func TestEndlessInputStopsAtTheLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/dev/zero")
	}
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	for _, c := range []struct {
		args  []string
		stdin io.Reader
		code  int
		want  string
	}{
		{[]string{"mqtt", "pub", "-p", port, "-t", "a", "-f", "/dev/zero"}, nil, 1,
			"Error: File must be less than 268435455 bytes: \"/dev/zero\" is longer.\n"},
		{[]string{"mqtt", "pub", "-p", port, "-t", "a", "-s"}, endless{}, 1,
			"Error: Message length must be less than 268435455 bytes: stdin gave more.\n"},
		{[]string{"mqtt", "pub", "-p", port, "-t", "a", "-l"}, endless{}, 1,
			"Error: Message length must be less than 268435455 bytes: a line of stdin is longer.\n"},
		{[]string{"mqtt", "rr", "-p", port, "-t", "a", "-e", "b", "-s"}, endless{}, 1,
			"Error: Message length must be less than 268435455 bytes: stdin gave more.\n"},
		{[]string{"mqtt", "pub", "-p", port, "-t", "a", "-m", "x", "-u", "me", "--password-file", "/dev/zero"}, nil, 1,
			"Error: password file /dev/zero: the first line is longer than 65535 bytes, the most an MQTT password can be\n"},
		{[]string{"mosquitto_pub", "-p", port, "-t", "a", "-f", "/dev/zero"}, nil, 1,
			"Error: File must be less than 268435455 bytes.\n\nError loading input file \"/dev/zero\".\n"},
		{[]string{"mosquitto_pub", "-p", port, "-t", "a", "-s"}, endless{}, 1,
			"Error: Message length must be less than 268435455 bytes.\n\nError loading input from stdin.\n"},
	} {
		streams, out, errOut := iostreams.Test("")
		if c.stdin != nil {
			streams.In = c.stdin
		}
		code := RunWith(context.Background(), c.args, streams)
		if code != c.code || errOut.String() != c.want || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %.40q\nstderr %q\nwant   %q", c.args, code, out, errOut, c.want)
		}
	}
}

// A password file gives its first line only: what follows is never read.
func TestPasswordFileFirstLineOnly(t *testing.T) {
	env := fakeEnv{files: map[string]string{"/pw": "secret\r\nnot this\n"}}
	streams, _, _ := iostreams.Test("")
	o, err := parseWith(t, env, streams, "-u", "me", "--password-file", "/pw")
	if err != nil || o.Session.Password == nil || *o.Session.Password != "secret" {
		t.Fatalf("password %v, err %v", o.Session.Password, err)
	}
}
