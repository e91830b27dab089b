// Package latency records durations into HDR histograms (github.com/HdrHistogram/hdrhistogram-go) cheaply
// enough for thousands of clients on two cores. A Recorder is striped: each client records into the stripe
// its index picks, behind that stripe's own mutex, so clients on different cores rarely meet, and nothing is
// merged until a snapshot is read (once a second for the live line, once at the end).
//
// Values are whole microseconds from Lowest to Highest at Digits significant digits (0.1% precision);
// a value outside that range is clamped to it and counted, never dropped, so the counts stay exact.
package latency

import (
	"runtime"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// The histograms' range and precision, in microseconds.
const (
	Lowest  = 1                       // 1 µs
	Highest = int64(time.Hour / 1000) // 1 h in µs
	Digits  = 3
)

// New returns an empty histogram of the package's range and precision.
func New() *hdr.Histogram { return hdr.New(Lowest, Highest, Digits) }

// Micros converts a duration to the histogram's unit, clamped to its range; clamped says it had to be.
func Micros(d time.Duration) (us int64, clamped bool) {
	us = int64(d / time.Microsecond)
	switch {
	case us < 0:
		return 0, true
	case us > Highest:
		return Highest, true
	}
	return us, false
}

// Recorder is one metric (end-to-end latency, say) recorded by many clients at once.
type Recorder struct {
	stripes []stripe
}

type stripe struct {
	mu      sync.Mutex
	h       *hdr.Histogram // made on first use: a role that never records a metric pays no memory for it
	clamped int64
	_       [40]byte // keep stripes on separate cache lines
}

// NewRecorder returns a recorder of n stripes; n <= 0 picks 4 per processor.
func NewRecorder(n int) *Recorder {
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	return &Recorder{stripes: make([]stripe, n)}
}

// Record adds d for the client with index key (any non-negative number that stays the same for one client).
func (r *Recorder) Record(key int, d time.Duration) {
	us, clamped := Micros(d)
	s := &r.stripes[uint(key)%uint(len(r.stripes))]
	s.mu.Lock()
	if s.h == nil {
		s.h = New()
	}
	_ = s.h.RecordValue(us) // cannot fail: us is in range
	if clamped {
		s.clamped++
	}
	s.mu.Unlock()
}

// Snapshot returns a new histogram holding everything recorded so far, and how many values were clamped.
func (r *Recorder) Snapshot() (*hdr.Histogram, int64) {
	h := New()
	return h, r.SnapshotInto(h)
}

// SnapshotInto resets h and merges every stripe into it; it returns the number of clamped values.
func (r *Recorder) SnapshotInto(h *hdr.Histogram) (clamped int64) {
	h.Reset()
	for i := range r.stripes {
		s := &r.stripes[i]
		s.mu.Lock()
		if s.h != nil {
			h.Merge(s.h)
		}
		clamped += s.clamped
		s.mu.Unlock()
	}
	return clamped
}
