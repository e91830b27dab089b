package prompt

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns a pseudo-terminal's controlling side and its terminal side, which Password sees as
// a real terminal.
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	if err := unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ctl.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return ctl, tty
}

func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	st, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return st.Lflag&unix.ECHO != 0
}

// On a terminal, what is typed is not echoed, and echo is back afterwards.
func TestPasswordOnTerminalDoesNotEcho(t *testing.T) {
	ctl, tty := openPTY(t)
	if !echoOn(t, tty) {
		t.Fatal("a new terminal has echo off")
	}
	type result struct {
		pw  string
		err error
	}
	done := make(chan result, 1)
	var out bytes.Buffer
	go func() {
		pw, err := Password(context.Background(), tty, &out, "Password: ")
		done <- result{pw, err}
	}()
	// Typed before echo is turned off, it would be echoed: wait until it is off.
	for echoOn(t, tty) {
		time.Sleep(time.Millisecond) // polling the terminal's mode: no event says it changed
	}
	if _, err := ctl.Write([]byte("s3cret\n")); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.pw != "s3cret" {
		t.Fatalf("Password = %q, %v", r.pw, r.err)
	}
	if !echoOn(t, tty) {
		t.Error("echo still off after the password was read")
	}
	// Whatever the terminal displayed: nothing, since echo was off. Anything written back to the
	// controlling side is readable without blocking once tty is closed.
	tty.Close()
	shown := make([]byte, 256)
	_ = ctl.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	n, _ := ctl.Read(shown)
	if strings.Contains(string(shown[:n]), "s3cret") {
		t.Errorf("the terminal echoed the password: %q", shown[:n])
	}
}

// An interrupt during the prompt gives the terminal its echo back at once.
func TestPasswordInterruptRestoresEcho(t *testing.T) {
	_, tty := openPTY(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Password(ctx, tty, &bytes.Buffer{}, "Password: ")
		done <- err
	}()
	for echoOn(t, tty) {
		time.Sleep(time.Millisecond) // polling the terminal's mode: no event says it changed
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Password after cancel = %v", err)
	}
	if !echoOn(t, tty) {
		t.Error("echo still off after an interrupt")
	}
}
