package format

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// This file runs the real mosquitto 2.0.11 programs, for TestMatchesMosquittoSub and for regenerating the
// golden cases (go test -run TestGolden -update).

// zone is the time zone mosquitto_sub runs in: not UTC and not a whole hour, so that %z, @Z and the hour
// fields are all exercised.
const zone = "Asia/Kolkata"

type mosquitto struct {
	sub, pub string
	port     int
	log      *logWatch
	loc      *time.Location
	env      []string
}

// startMosquitto starts a broker on a free port of 127.0.0.1 and stops it when the test ends. Without the
// programs the test is skipped, unless CI=true, where their absence is a failure.
func startMosquitto(t *testing.T) *mosquitto {
	t.Helper()
	broker := lookPath("mosquitto", "/usr/sbin/mosquitto")
	sub := lookPath("mosquitto_sub")
	pub := lookPath("mosquitto_pub")
	if broker == "" || sub == "" || pub == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("mosquitto, mosquitto_sub and mosquitto_pub must be installed when CI=true")
		}
		t.Skip("mosquitto, mosquitto_sub or mosquitto_pub not installed")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatalf("time zone %s: %v", zone, err)
	}
	m := &mosquitto{sub: sub, pub: pub, port: freePort(t), loc: loc, env: append(os.Environ(), "TZ="+zone)}

	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	// log_type all makes the broker say when a SUBACK went out, which is how a live publish knows the subscriber
	// is ready.
	cfg := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\nlog_dest stderr\nlog_type all\n", m.port)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(broker, "-c", conf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.log = watchLog(stderr)
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	waitForPort(t, m.port, exited, m.log)
	return m
}

func lookPath(name string, fallbacks ...string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range fallbacks {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitForPort dials until the broker accepts, giving up after a bounded number of attempts or when it exits.
func waitForPort(t *testing.T, port int, exited <-chan struct{}, log *logWatch) {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	retry := time.NewTicker(20 * time.Millisecond)
	defer retry.Stop()
	for range 250 {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("mosquitto exited:\n%s", log.text())
		case <-retry.C:
		}
	}
	t.Fatalf("mosquitto did not listen on %s:\n%s", addr, log.text())
}

// publishRetained stores every fixture that can be retained.
func (m *mosquitto) publishRetained(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for i, f := range fixtures {
		if f.live {
			continue
		}
		// Payloads go through a file: argv cannot carry a NUL byte.
		file := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(file, []byte(f.payload), 0o600); err != nil {
			t.Fatal(err)
		}
		// QoS 1 so that mosquitto_pub returns only once the broker has stored the message.
		args := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(m.port), "-q", "1", "-r", "-t", f.topic,
			"-f", file}, f.pubArgs...)
		if out, err := exec.Command(m.pub, args...).CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_pub %s: %v\n%s", f.name, err, out)
		}
	}
}

// clientIDs numbers the subscribers, so that the broker's log tells them apart.
var clientIDs atomic.Int64

// receive runs mosquitto_sub for one message of the fixture with the given output arguments.
func (m *mosquitto) receive(t *testing.T, f fixture, outArgs []string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	id := fmt.Sprintf("fmt-test-%d", clientIDs.Add(1))
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(m.port), "-i", id, "-C", "1", "-W", "15", "-t", f.topic}
	args = append(append(args, f.subArgs...), outArgs...)
	cmd := exec.CommandContext(ctx, m.sub, args...)
	cmd.Env = m.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if f.live {
		if err := m.log.wait(ctx, "Sending SUBACK to "+id); err != nil {
			t.Fatalf("mosquitto_sub %v never subscribed: %v", args, err)
		}
		pub := exec.CommandContext(ctx, m.pub, "-h", "127.0.0.1", "-p", strconv.Itoa(m.port), "-t", f.topic, "-n")
		if b, err := pub.CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_pub: %v\n%s", err, b)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("mosquitto_sub %q: %v\nstderr: %s", args, err, errOut.Bytes())
	}
	return out.Bytes(), errOut.Bytes()
}

// logWatch keeps the broker's log and wakes whoever waits for a line.
type logWatch struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced on every new line
}

func watchLog(r io.Reader) *logWatch {
	w := &logWatch{changed: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.mu.Lock()
			w.lines = append(w.lines, sc.Text())
			close(w.changed)
			w.changed = make(chan struct{})
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *logWatch) wait(ctx context.Context, substr string) error {
	for seen := 0; ; {
		w.mu.Lock()
		for ; seen < len(w.lines); seen++ {
			if strings.HasSuffix(w.lines[seen], substr) {
				w.mu.Unlock()
				return nil
			}
		}
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (w *logWatch) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

// clockFrom says where in mosquitto_sub's output the time it printed can be read back, so that the formatter
// can be given the same time. mosquitto reads the clock anew for each %I, %U, %j, %J and for the @ sequences, so
// a case uses only one of those sources.
type clockFrom uint8

const (
	clockNone clockFrom = iota
	clockAt             // the format starts with "@s.@N|"
	clockUnix           // %U
	clockISO            // %I: whole seconds
	clockTST            // the "tst" of %j or %J: microseconds
)

var (
	unixRE = regexp.MustCompile(`(\d{10,})\.(\d{9})`)
	isoRE  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}`)
	tstRE  = regexp.MustCompile(`"tst":\s*"([^"]*)"`)
)

func (c clockFrom) read(out []byte, loc *time.Location) (time.Time, error) {
	switch c {
	case clockNone:
		return time.Date(2000, 1, 2, 3, 4, 5, 6, loc), nil
	case clockAt, clockUnix:
		m := unixRE.FindSubmatch(out)
		if m == nil {
			return time.Time{}, errors.New("no seconds.nanoseconds in output")
		}
		s, _ := strconv.ParseInt(string(m[1]), 10, 64)
		ns, _ := strconv.ParseInt(string(m[2]), 10, 64)
		return time.Unix(s, ns).In(loc), nil
	case clockISO:
		m := isoRE.Find(out)
		if m == nil {
			return time.Time{}, errors.New("no ISO 8601 time in output")
		}
		return time.ParseInLocation("2006-01-02T15:04:05-0700", string(m), loc)
	case clockTST:
		m := tstRE.FindSubmatch(out)
		if m == nil {
			// %J printed nothing: the payload is not JSON, and the time does not show.
			return clockNone.read(out, loc)
		}
		return time.ParseInLocation("2006-01-02T15:04:05.000000Z-0700", string(m[1]), loc)
	}
	return time.Time{}, fmt.Errorf("clock source %d", c)
}
