package cpuuse

import (
	"crypto/sha256"
	"testing"
)

func TestBusyLoopShowsAsUserTime(t *testing.T) {
	start, ok := Now()
	if !ok {
		t.Skip("no getrusage here")
	}
	// Work until the process's user time has moved: a count of work, not a time threshold.
	sum := sha256.Sum256(nil)
	var end Usage
	for {
		for range 10000 {
			sum = sha256.Sum256(sum[:])
		}
		end, _ = Now()
		if end.User > start.User {
			break
		}
	}
	s := Since(start, end)
	if s.User <= 0 || s.Wall <= 0 || s.Cores < 1 || s.Sys < 0 {
		t.Fatalf("span %+v", s)
	}
}
