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
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/broker"
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

// The delivery and session limits, from flags or from the config file's mosquitto lines; 0 is no
// limit, as in mosquitto, which broker.Limits takes as negative.
func TestBrokerLimits(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	os.WriteFile(conf, []byte("allow_anonymous true\npersistent_client_expiration 2w\nmax_queued_messages 100\n"), 0o600)
	for _, c := range []struct {
		args []string
		want broker.Limits
	}{
		{nil, broker.Limits{}},
		{[]string{"--max-sessions", "5", "--persistent-client-expiration", "12h", "--max-inflight", "0", "--max-queued-messages", "0"},
			broker.Limits{MaxSessions: 5, SessionExpiry: 12 * time.Hour, MaxInflight: -1, MaxQueued: -1}},
		{[]string{"--max-sessions", "0"}, broker.Limits{MaxSessions: -1}},
		{[]string{"-c", conf}, broker.Limits{SessionExpiry: 14 * 24 * time.Hour, MaxQueued: 100}},
		{[]string{"-c", conf, "--persistent-client-expiration", "1y"}, broker.Limits{SessionExpiry: 365 * 24 * time.Hour, MaxQueued: 100}},
	} {
		o, err := parseBrokerArgs(t, append([]string{"--listen", "tcp://127.0.0.1:0"}, c.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if o.Config.Limits != c.want {
			t.Errorf("%v: limits %+v, want %+v", c.args, o.Config.Limits, c.want)
		}
	}
	for _, c := range []struct{ args, want string }{
		{"--persistent-client-expiration 10s", `--persistent-client-expiration: want a number and one of h, d, w, m, y (as 14d), not "10s"`},
		{"--max-sessions -1", "--max-sessions: want a count, not -1"},
	} {
		if _, err := parseBrokerArgs(t, strings.Fields(c.args)...); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.args, err, c.want)
		}
	}
}
