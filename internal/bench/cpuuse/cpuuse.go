// Package cpuuse reads the CPU time the process has used (user and system, from getrusage), so a benchmark
// can tell how busy it kept its own cores: the input to the "the tool, not the broker, is the bottleneck"
// warning (see result.ToolCPU).
package cpuuse

import (
	"runtime"
	"time"
)

// Usage is the process's CPU time at one moment.
type Usage struct {
	At        time.Time
	User, Sys time.Duration
}

// Now reads the process's usage; ok is false where the platform cannot tell (the times are then zero).
func Now() (u Usage, ok bool) {
	u.User, u.Sys, ok = rusage()
	u.At = time.Now()
	return u, ok
}

// Span is what the process used between two readings.
type Span struct {
	User, Sys, Wall time.Duration
	Cores           int
}

// Since is the span from start to end, over the processors Go may use.
func Since(start, end Usage) Span {
	return Span{User: end.User - start.User, Sys: end.Sys - start.Sys, Wall: end.At.Sub(start.At),
		Cores: runtime.GOMAXPROCS(0)}
}
