package testtool

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file, log := filepath.Join(dir, "mosquitto.conf"), filepath.Join(dir, "mosquitto.log")
	for attempt := 1; ; attempt++ {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		// Started by root, mosquitto would switch to a user of its own, which may not exist here. The
		// default log types are named, as a conf that names one replaces the defaults: the log must hold
		// the line that says mosquitto runs.
		text := "listener " + strconv.Itoa(port) + " " + host + "\nallow_anonymous true\nuser " + me.Username +
			"\nlog_dest file " + log + "\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n" + conf
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := StartMosquitto(bin, file, log)
		var ex *ExitedError
		if err == nil {
			t.Cleanup(p.Kill)
			return port
		}
		if !errors.As(err, &ex) || attempt == 5 {
			t.Fatal(err)
		}
	}
}

// FreePort is a port free on 127.0.0.1 when it returns; another process may take it before it is bound.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// MosquittoProc is a mosquitto process a test started.
type MosquittoProc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd's Wait has returned
}

// ExitedError is a mosquitto that ended before it ran, most often on a port another process took
// between FreePort and mosquitto's bind: try again with fresh ports.
type ExitedError struct{ Log string }

func (e *ExitedError) Error() string { return "mosquitto exited before it ran:\n" + e.Log }

// StartMosquitto runs bin -c conf and returns once log, the file conf names in log_dest, gains the
// line that says mosquitto runs, which it writes once every listener is bound: a port that merely
// accepts a connection may be another process's.
func StartMosquitto(bin, conf, log string) (*MosquittoProc, error) {
	from := fileSize(log)
	p := &MosquittoProc{cmd: exec.Command(bin, "-c", conf), exited: make(chan struct{})}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting mosquitto: %w", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case <-p.exited:
			return nil, &ExitedError{Log: logFrom(log, from)}
		default:
		}
		if strings.Contains(logFrom(log, from), " running") {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Kill()
			return nil, fmt.Errorf("mosquitto did not start within 10s:\n%s", logFrom(log, from))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill ends mosquitto at once (SIGKILL) and waits for it.
func (p *MosquittoProc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Stop ends mosquitto with SIGTERM, which saves its persistent sessions, and waits for it.
func (p *MosquittoProc) Stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	<-p.exited
	return nil
}

func fileSize(name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logFrom is what the log gained after offset from.
func logFrom(name string, from int64) string {
	b, _ := os.ReadFile(name)
	if int64(len(b)) < from {
		return string(b)
	}
	return string(b[from:])
}
