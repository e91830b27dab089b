package publish_test

import (
	"math/rand/v2"
	"testing"
	"time"
)

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// receive is the next value of ch, or the test fails after a minute: a hang is a failure, not a hang.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("no %s within a minute", what)
		panic("unreachable")
	}
}
