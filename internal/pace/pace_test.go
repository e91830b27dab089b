package pace

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// fake runs a Pacer on a clock that only moves when it sleeps, or when a send takes time.
func fake(p *Pacer) *[]time.Duration {
	var slept []time.Duration
	t := time.Unix(1000, 0)
	p.now = func() time.Time { return t }
	p.sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		t = t.Add(d)
		return nil
	}
	return &slept
}

func TestRateSpacesMessages(t *testing.T) {
	p := New(4, 0, 0, nil)
	slept := fake(p)
	for range 5 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}
	if len(*slept) != len(want) {
		t.Fatalf("slept %v, want %v", *slept, want)
	}
	for i := range want {
		if (*slept)[i] != want[i] {
			t.Fatalf("slept %v, want %v", *slept, want)
		}
	}
}

// A send that takes part of the interval shortens the next wait: the schedule is fixed from the start.
func TestRateIsOpenLoop(t *testing.T) {
	p := New(10, 0, 0, nil)
	clock := time.Unix(0, 0)
	var slept []time.Duration
	p.now = func() time.Time { return clock }
	p.sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		clock = clock.Add(d)
		return nil
	}
	_ = p.Wait(context.Background())
	clock = clock.Add(30 * time.Millisecond) // the publish took 30 ms
	_ = p.Wait(context.Background())
	if len(slept) != 1 || slept[0] != 70*time.Millisecond {
		t.Errorf("slept %v, want [70ms]", slept)
	}
	clock = clock.Add(time.Second) // a stall: no burst to catch up
	_ = p.Wait(context.Background())
	_ = p.Wait(context.Background())
	if len(slept) != 2 || slept[1] != 100*time.Millisecond {
		t.Errorf("after a stall slept %v, want one full interval", slept)
	}
}

func TestJitterStaysInBounds(t *testing.T) {
	p := New(0, time.Second, 200*time.Millisecond, rand.New(rand.NewPCG(1, 2)))
	slept := fake(p)
	for range 200 {
		_ = p.Wait(context.Background())
	}
	lo, hi := time.Hour, time.Duration(0)
	for _, d := range *slept {
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 800*time.Millisecond || hi > 1200*time.Millisecond || hi-lo < 200*time.Millisecond {
		t.Errorf("delays from %v to %v, want spread within 1s ± 200ms", lo, hi)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	p := New(0.001, 0, 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	_ = p.Wait(ctx)
	cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait returned nil after the context ended")
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"100/s": 100, "100": 100, "90/m": 1.5, "36/h": 0.01, "0.5/s": 0.5} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1/s", "10/d", "x/s", "1e12"} {
		if _, err := ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q) accepted", in)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"5": 5 * time.Second, "0.25": 250 * time.Millisecond, "1m30s": 90 * time.Second, "0": 0} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "x", "-2s"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

// A sleep that wakes late, by more than a whole gap at high rates, is made up for: the rate asked is
// the rate sent. (Starting the schedule again after each late wake-up sent a third of 5000/s.)
func TestLateWakeupsKeepTheRate(t *testing.T) {
	p := New(5000, 0, 0, nil)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }
	p.sleep = func(_ context.Context, d time.Duration) error {
		clock = clock.Add(d + time.Millisecond) // the timer fires 1 ms late, as under load
		return nil
	}
	start := clock
	for range 5001 {
		_ = p.Wait(context.Background())
	}
	if took := clock.Sub(start); took > time.Second+time.Millisecond {
		t.Errorf("5000 gaps at 5000/s took %v, want a second", took)
	}
}
