// Package prompt asks the person at the terminal for a password.
package prompt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/term"
)

// Password writes label to out and reads one line from in, without its line ending. On a terminal
// the line is read with echo off. Any other reader (a test's) is read a byte at a time, so that
// nothing after the line is taken from a stdin the command reads next.
func Password(ctx context.Context, in io.Reader, out io.Writer, label string) (string, error) {
	fmt.Fprint(out, label)
	// With echo off the user's Enter moves to no new line; whatever comes next starts on its own.
	defer fmt.Fprintln(out)
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		return readTerminal(ctx, int(f.Fd()))
	}
	return readLine(in)
}

// readTerminal reads with echo off. An interrupt does not end term.ReadPassword's read, and the
// commands catch SIGINT to disconnect cleanly, so the read waits in a goroutine: when ctx ends first,
// the terminal gets its echo back at once and the goroutine is left to the process's exit.
func readTerminal(ctx context.Context, fd int) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return "", fmt.Errorf("reading the password: %w", r.err)
		}
		return string(r.b), nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return "", ctx.Err()
	}
}

func readLine(in io.Reader) (string, error) {
	var b strings.Builder
	one := make([]byte, 1)
	for {
		n, err := in.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				return strings.TrimSuffix(b.String(), "\r"), nil
			}
			b.WriteByte(one[0])
			continue
		}
		if errors.Is(err, io.EOF) {
			if b.Len() == 0 {
				return "", errors.New("reading the password: no input")
			}
			return b.String(), nil
		}
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
	}
}
