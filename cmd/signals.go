package cmd

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Signalled is the cause of a context cancelled by SIGINT or SIGTERM; commands that end early on one exit
// with 128 plus its number, as a shell reports a process killed by it.
type Signalled struct{ Signal syscall.Signal }

func (s Signalled) Error() string { return "interrupted by " + s.Signal.String() }

// ExitCode is 130 for SIGINT, 143 for SIGTERM.
func (s Signalled) ExitCode() int { return 128 + int(s.Signal) }

// signalContext is cancelled, with a Signalled cause, at the first SIGINT or SIGTERM. A second one ends
// the process at once: the user has seen the command wind down and does not want to wait.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	done := make(chan struct{})
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(Signalled{s.(syscall.Signal)})
		case <-done:
			return
		}
		select {
		case s := <-ch:
			os.Exit(128 + int(s.(syscall.Signal)))
		case <-done:
		}
	}()
	return ctx, func() { signal.Stop(ch); close(done); cancel(nil) }
}

// signalled returns the signal that cancelled ctx, if one did.
func signalled(ctx context.Context) (Signalled, bool) {
	var s Signalled
	ok := errors.As(context.Cause(ctx), &s)
	return s, ok
}
