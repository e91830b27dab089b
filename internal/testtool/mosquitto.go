package testtool

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mosquitto.conf")
	// Started by root, mosquitto would switch to a user of its own, which may not exist here.
	text := "listener " + strconv.Itoa(port) + " " + host + "\nallow_anonymous true\nuser " + me.Username + "\n" + conf
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	// Ready when it accepts a connection: mosquitto has no other signal.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return port
		}
		select {
		case <-exited:
			t.Fatalf("mosquitto exited: %s", stderr.Bytes())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto did not listen on %s within 10s: %s", addr, stderr.Bytes())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
