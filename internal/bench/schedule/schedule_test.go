package schedule

import (
	"context"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// drain runs a publisher to its end on a clock that is always at the intended time of the next message.
func drain(p *Publisher) []time.Duration {
	var at []time.Duration
	now := t0
	for {
		_, intended, ok := p.Next(now)
		if !ok {
			return at
		}
		at = append(at, intended.Sub(t0))
		now = intended
	}
}

func TestRateSplitsAcrossPublishersWithOffsets(t *testing.T) {
	o := Options{Publishers: 4, Rate: 1000, Count: 8}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Period() != 4*time.Millisecond {
		t.Fatalf("period %v, want 4ms (4 publishers at 1000/s together)", o.Period())
	}
	var all []time.Duration
	for g := range 4 {
		got := drain(o.For(g, t0))
		want := []time.Duration{ms(float64(g)), ms(float64(g) + 4)}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("publisher %d: %v, want %v", g, got, want)
		}
		all = append(all, got...)
	}
	// Together: one message every millisecond, none at the same time.
	seen := map[time.Duration]bool{}
	for _, d := range all {
		if seen[d] {
			t.Fatalf("two publishers due at %v: lockstep", d)
		}
		seen[d] = true
	}
	for i := range 8 {
		if !seen[ms(float64(i))] {
			t.Fatalf("no message due at %dms: %v", i, all)
		}
	}
}

func TestIntervalPerPublisher(t *testing.T) {
	o := Options{Publishers: 2, Interval: 10 * time.Millisecond, Duration: 35 * time.Millisecond}
	if o.TargetRate() != 200 {
		t.Fatalf("target rate %g, want 200", o.TargetRate())
	}
	got0, got1 := drain(o.For(0, t0)), drain(o.For(1, t0))
	if len(got0) != 4 || got0[3] != ms(30) {
		t.Fatalf("publisher 0: %v, want 0,10,20,30ms", got0)
	}
	if len(got1) != 3 || got1[0] != ms(5) || got1[2] != ms(25) {
		t.Fatalf("publisher 1: %v, want 5,15,25ms (35ms is not before the end)", got1)
	}
}

func TestCountSplitsWithRemainder(t *testing.T) {
	o := Options{Publishers: 3, Rate: 300, Count: 10}
	var total int64
	for g := range 3 {
		n := int64(len(drain(o.For(g, t0))))
		if want := []int64{4, 3, 3}[g]; n != want {
			t.Errorf("publisher %d sends %d, want %d", g, n, want)
		}
		total += n
	}
	if total != 10 {
		t.Fatalf("total %d, want 10", total)
	}
	// More publishers than messages: the idle ones are done at once.
	few := Options{Publishers: 5, Rate: 10, Count: 2}
	if _, _, ok := few.For(4, t0).Next(t0); ok {
		t.Fatal("publisher 4 of 5 sends although the count is 2")
	}
}

func TestLatePublisherSendsBacklogAtOnce(t *testing.T) {
	o := Options{Publishers: 1, Rate: 100, Duration: time.Second}
	p := o.For(0, t0)
	p.Next(t0) // message 0 at 0ms, sent on time
	// The publisher stalls for 55ms: messages 1..5 (10..50ms) are due.
	now := t0.Add(ms(55))
	if b := p.Behind(now); b != 5 {
		t.Fatalf("behind %d, want 5", b)
	}
	for i := int64(1); i <= 5; i++ {
		seq, intended, ok := p.Next(now)
		if !ok || seq != i || intended != t0.Add(ms(float64(10*i))) {
			t.Fatalf("message %d: seq %d at %v ok=%v: the backlog keeps its intended times", i, seq, intended.Sub(t0), ok)
		}
		if !intended.Before(now) {
			t.Fatalf("message %d not late: the schedule slowed down", i)
		}
	}
	if p.Behind(now) != 0 {
		t.Fatal("still behind after sending the backlog")
	}
	if _, intended, _ := p.Next(now); intended != t0.Add(ms(60)) {
		t.Fatalf("after the backlog, next due at %v, want 60ms", intended.Sub(t0))
	}
}

func TestUnpacedIsDueNowAndEndsByDuration(t *testing.T) {
	o := Options{Publishers: 2, Duration: time.Second}
	p := o.For(1, t0)
	now := t0.Add(time.Millisecond)
	if _, intended, ok := p.Next(now); !ok || intended != now {
		t.Fatalf("unpaced message due at %v, want now", intended)
	}
	if _, _, ok := p.Next(t0.Add(time.Second)); ok {
		t.Fatal("unpaced publisher goes on past the duration")
	}
	if p.Behind(now) != 0 {
		t.Fatal("an unpaced publisher is never behind")
	}
}

func TestWarmupCounted(t *testing.T) {
	o := Options{Publishers: 1, Rate: 10, Duration: time.Second, Warmup: 300 * time.Millisecond}
	p := o.For(0, t0)
	counted := 0
	now := t0
	for {
		_, intended, ok := p.Next(now)
		if !ok {
			break
		}
		if p.Counted(intended) {
			counted++
		}
		now = intended
	}
	if p.Sent() != 10 || counted != 7 {
		t.Fatalf("sent %d counted %d, want 10 and 7 (0..200ms in warm-up)", p.Sent(), counted)
	}
}

func TestValidate(t *testing.T) {
	bad := []Options{
		{Publishers: 0, Count: 1},
		{Publishers: 1},
		{Publishers: 1, Count: 1, Rate: 1, Interval: time.Second},
		{Publishers: 1, Count: 1, Rate: -1},
		{Publishers: 1, Duration: time.Second, Warmup: time.Second},
	}
	for _, o := range bad {
		if o.Validate() == nil {
			t.Errorf("%+v: valid", o)
		}
	}
}

func TestWaiterReturnsAtOnceWhenLateAndOnCancel(t *testing.T) {
	var w Waiter
	defer w.Stop()
	if err := w.Until(context.Background(), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Until(ctx, time.Now().Add(time.Hour)); err == nil {
		t.Fatal("Until an hour from now returned without the context's error")
	}
	if err := w.Until(context.Background(), time.Now().Add(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

func TestNextAllocatesNothing(t *testing.T) {
	p := Options{Publishers: 3, Rate: 1e6, Duration: time.Hour}.For(1, t0)
	now := t0
	if n := testing.AllocsPerRun(1000, func() { _, now, _ = p.Next(now) }); n != 0 {
		t.Fatalf("%v allocations per Next", n)
	}
}

func BenchmarkNext(b *testing.B) {
	p := Options{Publishers: 3, Rate: 1e9, Duration: 1000 * time.Hour}.For(1, t0)
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		_, now, _ = p.Next(now)
	}
}

func TestBehindStopsAtTheEnd(t *testing.T) {
	o := Options{Publishers: 1, Rate: 100, Duration: 95 * time.Millisecond}
	p := o.For(0, t0)
	// Long after the end: only the 10 messages due before 95ms (0..90ms) were ever due.
	if b := p.Behind(t0.Add(time.Hour)); b != 10 {
		t.Fatalf("behind %d after the end, want 10", b)
	}
	if got := len(drain(p)); got != 10 {
		t.Fatalf("sent %d, want 10", got)
	}
}
