package testtool

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mosquitto runs a mosquitto broker on a free port of 127.0.0.1 until the test ends, with conf (lines of
// mosquitto.conf) after the listener, and returns the port. Anonymous clients are allowed. It inherits
// the test's limit of open files (raise it with `ulimit -n` for thousands of clients).
func Mosquitto(t testing.TB, conf string) int {
	t.Helper()
	return MosquittoOn(t, "127.0.0.1", conf)
}

// MosquittoOn is Mosquitto listening on host: "localhost" for clients that name it, which may be ::1 as
// well as 127.0.0.1. The port is free on 127.0.0.1.
func MosquittoOn(t testing.TB, host, conf string) int {
	t.Helper()
	bin := Path(t, "mosquitto", "mosquitto", "/usr/sbin/mosquitto")
	for attempt := 1; ; attempt++ {
		port, err := startMosquitto(t, bin, host, conf)
		if err == nil {
			return port
		}
		var ex *exitedError
		if !errors.As(err, &ex) || attempt == 5 {
			t.Fatal(err)
		}
		// The port was free when we closed it; another process took it before mosquitto bound it.
	}
}

// exitedError is a mosquitto that ended before it ran.
type exitedError struct{ log string }

func (e *exitedError) Error() string { return "mosquitto exited: " + e.log }

func startMosquitto(t testing.TB, bin, host, conf string) (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	me, err := user.Current()
	if err != nil {
		return 0, err
	}
	file := filepath.Join(t.TempDir(), "mosquitto.conf")
	// Started by root, mosquitto would switch to a user of its own, which may not exist here. Its
	// log on stderr, with the default types named (a conf that names one replaces the defaults),
	// holds the line that says it runs.
	text := "listener " + strconv.Itoa(port) + " " + host + "\nallow_anonymous true\nuser " + me.Username +
		"\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n" + conf
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return 0, err
	}
	cmd := exec.Command(bin, "-c", file)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	log := &logWatch{running: make(chan struct{})}
	exited := make(chan struct{})
	go func() { log.read(stderr); _ = cmd.Wait(); close(exited) }()
	// Ready when mosquitto says it runs, which it does once every listener is bound: a port that
	// accepts a connection may be another process's.
	select {
	case <-log.running:
		t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
		return port, nil
	case <-exited:
		return 0, &exitedError{log: log.text()}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return 0, fmt.Errorf("mosquitto did not start on port %d within 10s: %s", port, log.text())
	}
}

// logWatch reads mosquitto's log for as long as it runs (a full pipe would stop it) and tells when
// the line that says it runs has come.
type logWatch struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	running chan struct{}
	once    sync.Once
}

func (w *logWatch) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		w.mu.Lock()
		if w.buf.Len() < 64<<10 {
			w.buf.Write(sc.Bytes())
			w.buf.WriteByte('\n')
		}
		w.mu.Unlock()
		if strings.Contains(sc.Text(), " running") {
			w.once.Do(func() { close(w.running) })
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

func (w *logWatch) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
