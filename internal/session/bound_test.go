package session

import (
	"context"
	"testing"
	"time"
)

// FailAfter bounds every wait in these tests. A regression that leaves a wait unanswered (an
// acknowledgement never counted, a reconnect that never comes) then fails the one test with what it
// waited for, instead of hanging until go test's timeout ends the whole run. It is a bound on failure,
// never a way to wait for something to happen: the tests wait on channels, packets and reports.
//
// Exported from a _test file so that the external session_test package shares it.
const FailAfter = 30 * time.Second

// Receive returns the next value from ch, and fails the test if none comes within FailAfter.
func Receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(FailAfter)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, FailAfter)
		panic("unreachable")
	}
}

// Bounded is a context that ends FailAfter from now, for a Drain, Publish or Subscribe that must not
// wait for ever when what it waits for never comes.
func Bounded(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), FailAfter)
	t.Cleanup(cancel)
	return ctx
}
