package latency

import (
	"sync"
	"testing"
	"time"
)

func TestRecorderMergesStripes(t *testing.T) {
	r := NewRecorder(3)
	var wg sync.WaitGroup
	for c := range 10 {
		wg.Go(func() {
			for i := range 100 {
				r.Record(c, time.Duration(c*100+i+1)*time.Microsecond)
			}
		})
	}
	wg.Wait()
	h, clamped := r.Snapshot()
	if h.TotalCount() != 1000 || clamped != 0 {
		t.Fatalf("count %d clamped %d, want 1000 and 0", h.TotalCount(), clamped)
	}
	if h.Min() != 1 || !h.ValuesAreEquivalent(h.Max(), 1000) {
		t.Fatalf("min %d max %d, want 1 and 1000", h.Min(), h.Max())
	}
	if p50 := h.ValueAtQuantile(50); !h.ValuesAreEquivalent(p50, 500) {
		t.Fatalf("p50 %d, want 500", p50)
	}
}

func TestOutOfRangeIsClampedAndCounted(t *testing.T) {
	r := NewRecorder(1)
	r.Record(0, -time.Millisecond) // clocks of two machines disagree
	r.Record(0, 2*time.Hour)
	r.Record(0, 500*time.Nanosecond)
	h, clamped := r.Snapshot()
	if h.TotalCount() != 3 || clamped != 2 {
		t.Fatalf("count %d clamped %d, want 3 and 2", h.TotalCount(), clamped)
	}
	if !h.ValuesAreEquivalent(h.Max(), Highest) || h.Min() != 0 {
		t.Fatalf("min %d max %d", h.Min(), h.Max())
	}
}

func TestRecordAllocatesNothingAfterFirstUse(t *testing.T) {
	r := NewRecorder(2)
	r.Record(0, time.Millisecond)
	r.Record(1, time.Millisecond)
	if n := testing.AllocsPerRun(1000, func() { r.Record(1, 3*time.Millisecond) }); n != 0 {
		t.Fatalf("%v allocations per Record", n)
	}
}

// BenchmarkRecord is the cost of one sample from one goroutine; BenchmarkRecordParallel from all cores at
// once, each goroutine a different client.
func BenchmarkRecord(b *testing.B) {
	r := NewRecorder(0)
	b.ReportAllocs()
	d := time.Duration(0)
	for b.Loop() {
		d += 7 * time.Microsecond
		r.Record(1, d%time.Second)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	r := NewRecorder(0)
	var next sync.Mutex
	client := 0
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		next.Lock()
		c := client
		client++
		next.Unlock()
		d := time.Duration(0)
		for pb.Next() {
			d += 7 * time.Microsecond
			r.Record(c, d%time.Second)
		}
	})
}

func BenchmarkSnapshot(b *testing.B) {
	r := NewRecorder(0)
	for c := range 1000 {
		for i := range 100 {
			r.Record(c, time.Duration(i*c)*time.Microsecond)
		}
	}
	h := New()
	b.ReportAllocs()
	for b.Loop() {
		r.SnapshotInto(h)
	}
}
