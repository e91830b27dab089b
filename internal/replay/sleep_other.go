//go:build !linux

package replay

import (
	"runtime"
	"time"
)

// preciseSleep yields for d: without nanosleep at hand, the last two milliseconds are spent spinning.
func preciseSleep(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		runtime.Gosched()
	}
}
