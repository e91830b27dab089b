package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mqtt/cmd"
	"mqtt/internal/iostreams"
	"mqtt/internal/testtool"
)

// testBroker is a broker a test talks to over TCP: a real mosquitto, or `mqtt broker` run through
// its command line in-process.
type testBroker struct {
	name string
	addr string
	// disconnected matches the log line a broker writes once it has dealt with a client whose
	// connection ended (its will sent), for a client id.
	disconnected func(id string) *regexp.Regexp
	log          *lineLog
}

// needMosquitto skips the test without mosquitto, or fails it in CI.
func needMosquitto(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("mosquitto"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("mosquitto is not installed; CI must run the interop tests (apt-get install mosquitto mosquitto-clients)")
		}
		t.Skip("mosquitto is not installed")
	}
}

// startMosquitto runs `mosquitto -c` with conf (lines after the listener and log settings) on a
// free loopback port, as the user running the test, until the test ends.
func startMosquitto(t *testing.T, conf string) *testBroker {
	t.Helper()
	needMosquitto(t)
	dir := t.TempDir()
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	logFile, confFile := filepath.Join(dir, "mosquitto.log"), filepath.Join(dir, "mosquitto.conf")
	var port int
	for attempt := 1; ; attempt++ {
		if port, err = testtool.FreePort(); err != nil {
			t.Fatal(err)
		}
		text := fmt.Sprintf("user %s\nlistener %d 127.0.0.1\nlog_dest file %s\nlog_type all\nconnection_messages true\n%s",
			me.Username, port, logFile, conf)
		if err := os.WriteFile(confFile, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		_ = os.Remove(logFile) // the log followed below is this attempt's
		p, err := testtool.StartMosquitto("mosquitto", confFile, logFile)
		if err == nil {
			t.Cleanup(p.Kill)
			break
		}
		var ex *testtool.ExitedError
		if !errors.As(err, &ex) || attempt == 5 {
			t.Fatal(err) // an ExitedError is a port another process took first: tried again above
		}
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	log := &lineLog{}
	log.follow(logFile)
	t.Cleanup(log.stop)
	return &testBroker{name: "mosquitto", addr: addr, log: log, disconnected: func(id string) *regexp.Regexp {
		return regexp.MustCompile(`Client ` + regexp.QuoteMeta(id) + ` (closed its connection|disconnected)`)
	}}
}

// startMqttBroker runs `mqtt broker ARGS -v --listen tcp://127.0.0.1:0` in-process until the test
// ends.
func startMqttBroker(t *testing.T, args ...string) *testBroker {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	streams, _, _ := iostreams.Test("")
	streams.ErrOut = w
	done := make(chan int, 1)
	go func() {
		done <- cmd.RunWith(ctx, append([]string{"mqtt", "broker", "-v", "--listen", "tcp://127.0.0.1:0"}, args...), streams)
		w.Close()
	}()
	log := &lineLog{}
	log.read(r)
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("mqtt broker exited %d:\n%s", code, log.text())
		}
	})
	re := regexp.MustCompile(`^listening on tcp://(\S+)$`)
	line, ok := log.wait(re)
	if !ok {
		t.Fatalf("mqtt broker did not listen:\n%s", log.text())
	}
	return &testBroker{name: "mqtt broker", addr: re.FindStringSubmatch(line)[1], log: log, disconnected: func(id string) *regexp.Regexp {
		return regexp.MustCompile(`client "` + regexp.QuoteMeta(id) + `" (closed the connection|disconnected)`)
	}}
}

// lineLog collects a broker's log lines as they are written, for a test to wait on.
type lineLog struct {
	mu      sync.Mutex
	changed *sync.Cond
	lines   []string
	ended   bool
	quit    chan struct{}
}

func (l *lineLog) init() {
	l.changed = sync.NewCond(&l.mu)
	l.quit = make(chan struct{})
}

func (l *lineLog) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.changed.Broadcast()
	l.mu.Unlock()
}

func (l *lineLog) end() {
	l.mu.Lock()
	l.ended = true
	l.changed.Broadcast()
	l.mu.Unlock()
}

// read collects the lines of r until it ends.
func (l *lineLog) read(r io.Reader) {
	l.init()
	go func() {
		defer l.end()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l.add(sc.Text())
		}
	}()
}

// follow collects the lines of a file another process writes, until stop.
func (l *lineLog) follow(path string) {
	l.init()
	go func() {
		defer l.end()
		var f *os.File
		for f == nil {
			f, _ = os.Open(path)
			if f == nil {
				select {
				case <-l.quit:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
		defer f.Close()
		rd := bufio.NewReader(f)
		var part string
		for {
			s, err := rd.ReadString('\n')
			part += s
			if err == nil {
				l.add(strings.TrimSuffix(part, "\n"))
				part = ""
				continue
			}
			// The end of what is written so far: look again shortly, as tail -f does.
			select {
			case <-l.quit:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
}

func (l *lineLog) stop() { close(l.quit) }

// wait returns the first line, from the start of the log, that matches re, waiting up to 10s.
func (l *lineLog) wait(re *regexp.Regexp) (string, bool) {
	return l.waitFrom(0, re)
}

// waitFrom is wait for the lines from index from on.
func (l *lineLog) waitFrom(from int, re *regexp.Regexp) (string, bool) {
	expired := false
	timer := time.AfterFunc(10*time.Second, func() {
		l.mu.Lock()
		expired = true
		l.changed.Broadcast()
		l.mu.Unlock()
	})
	defer timer.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		for _, line := range l.lines[min(from, len(l.lines)):] {
			if re.MatchString(line) {
				return line, true
			}
		}
		if l.ended || expired {
			return "", false
		}
		l.changed.Wait()
	}
}

func (l *lineLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *lineLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
