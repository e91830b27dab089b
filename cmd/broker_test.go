package cmd

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
)

// The broker says where it listens before anything else, then logs with -v, and a cancelled context
// (SIGINT, SIGTERM) ends it with exit code 0.
func TestBrokerRunsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w := io.Pipe()
	streams, _, _ := iostreams.Test("")
	streams.ErrOut = w
	code := make(chan int, 1)
	go func() {
		code <- RunWith(ctx, []string{"mqtt", "broker", "--listen", "tcp://127.0.0.1:0", "-v"}, streams)
		w.Close()
	}()
	// Read on: the broker writes an event line before the client's CONNACK.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	first := <-lines
	addr, ok := strings.CutPrefix(first, "listening on tcp://")
	_, port, err := net.SplitHostPort(addr)
	if !ok || err != nil || port == "0" {
		t.Fatalf("first line %q, want listening on tcp://127.0.0.1:PORT", first)
	}
	if c, _, errOut := run(t, "mqtt", "pub", "-p", port, "-i", "pinger", "-t", "x", "-m", "y"); c != 0 {
		t.Fatalf("pub: exit %d: %s", c, errOut)
	}
	if second := <-lines; !strings.Contains(second, `client "pinger" connected from 127.0.0.1:`) {
		t.Fatalf("second line %q, want the client's connect", second)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d after cancel, want 0", c)
	}
}

// parseBrokerArgs parses `mqtt broker ARGS` without starting a broker.
func parseBrokerArgs(t *testing.T, args ...string) (*brokerOptions, error) {
	t.Helper()
	streams, _, _ := iostreams.Test("")
	c := brokerCommand(streams)
	var opts *brokerOptions
	var err error
	c.Action = func(ctx *cli.Context) error { opts, err = parseBroker(ctx); return nil }
	app := &cli.App{Commands: []*cli.Command{c}}
	if runErr := app.Run(append([]string{"mqtt", "broker"}, args...)); runErr != nil {
		t.Fatal(runErr)
	}
	return opts, err
}

// A listener other machines can reach with no password file, and a password or ACL file every
// user can read, are worth a warning before the broker starts.
func TestBrokerWarnings(t *testing.T) {
	dir := t.TempDir()
	passwd, acl := filepath.Join(dir, "passwd"), filepath.Join(dir, "acl")
	os.WriteFile(passwd, []byte("alice:secret\n"), 0o644)
	os.WriteFile(acl, []byte("topic read #\n"), 0o600)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--listen", "tcp://127.0.0.1:1883", "--listen", "unix:///tmp/x.sock"}, nil},
		{[]string{"--listen", "tcp://:1883"}, []string{"Warning: tcp://:1883 can be reached from other machines and has no --password-file: anyone who reaches it may connect."}},
		{[]string{"--listen", "ws://192.0.2.1:80", "--password-file", passwd, "--acl-file", acl, "--allow-anonymous"}, []string{
			"Warning: the password file " + passwd + " can be read by every user of this machine: chmod o-r " + passwd,
			"Warning: ws://192.0.2.1:80 can be reached from other machines and has --allow-anonymous: anyone who reaches it may connect.",
		}},
	} {
		o, err := parseBrokerArgs(t, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(o.Warnings, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%v: warnings\n%s\nwant\n%s", c.args, strings.Join(o.Warnings, "\n"), strings.Join(c.want, "\n"))
		}
	}
}
