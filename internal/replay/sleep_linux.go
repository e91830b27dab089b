package replay

import (
	"syscall"
	"time"
)

// preciseSleep blocks the thread in nanosleep(2) for at most d (a signal may end it early). The Go
// scheduler gives the thread's other goroutines to another while it sleeps.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil)
}
