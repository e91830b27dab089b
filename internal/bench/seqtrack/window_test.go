package seqtrack

import (
	"math/rand/v2"
	"testing"
)

func observe(w *Window, seqs ...uint64) []Outcome {
	var out []Outcome
	for _, s := range seqs {
		out = append(out, w.Observe(s))
	}
	return out
}

func TestInOrderGapDuplicateReorder(t *testing.T) {
	w := NewWindow(64)
	got := observe(w, 0, 1, 3, 1, 2, 5, 5, 4)
	want := []Outcome{New, New, New, Duplicate, Reordered, New, Duplicate, Reordered}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("arrival %d: %v, want %v (all %v)", i, got[i], want[i], got)
		}
	}
	c := w.Counts
	if c.Received != 8 || c.Distinct != 6 || c.Duplicates != 2 || c.Reordered != 2 || w.Missing() != 0 {
		t.Fatalf("counts %+v missing %d", c, w.Missing())
	}
	if c.Lost(8) != 2 {
		t.Fatalf("lost %d of 8 sent, want 2 (6 and 7 never came)", c.Lost(8))
	}
}

func TestWindowEdges(t *testing.T) {
	const size = 64
	w := NewWindow(size)
	w.Observe(100) // top 101: the window holds 37..100
	if o := w.Observe(101 - size); o != Reordered {
		t.Fatalf("lowest number in the window (%d): %v, want Reordered", 101-size, o)
	}
	if o := w.Observe(101 - size); o != Duplicate {
		t.Fatalf("lowest number again: %v, want Duplicate", o)
	}
	if o := w.Observe(100 - size); o != Late {
		t.Fatalf("one below the window (%d): %v, want Late", 100-size, o)
	}
	// Sliding by exactly one window clears every slot: the old bit of 37 must not make 101 look seen.
	if o := w.Observe(101); o != New {
		t.Fatalf("101: %v", o)
	}
	if o := w.Observe(101 + size); o != New {
		t.Fatalf("slide by the window's size: %v", o)
	}
	if o := w.Observe(102); o != Reordered {
		t.Fatalf("102 after the slide: %v, want Reordered (its slot was cleared)", o)
	}
	// A jump of more than the window clears it all.
	w.Observe(10_000)
	if o := w.Observe(10_000 - 1); o != Reordered {
		t.Fatalf("after a long jump: %v", o)
	}
	if w.Late != 1 || w.Received != w.Distinct+w.Duplicates {
		t.Fatalf("counts %+v", w.Counts)
	}
}

func TestWindowMatchesASetWhileReorderingStaysInside(t *testing.T) {
	// Against a plain set: arrivals shuffled within blocks smaller than the window, with repeats.
	rnd := rand.New(rand.NewPCG(1, 2))
	w := NewWindow(128)
	seen := map[uint64]bool{}
	var dups, reordered uint64
	top := uint64(0)
	for block := uint64(0); block < 200; block++ {
		seqs := make([]uint64, 0, 80)
		for i := range uint64(60) {
			if rnd.IntN(10) > 0 { // 10% lost
				seqs = append(seqs, block*60+i)
			}
		}
		for range 5 {
			seqs = append(seqs, seqs[rnd.IntN(len(seqs))])
		}
		rnd.Shuffle(len(seqs), func(i, j int) { seqs[i], seqs[j] = seqs[j], seqs[i] })
		for _, s := range seqs {
			o := w.Observe(s)
			switch {
			case seen[s]:
				dups++
				if o != Duplicate {
					t.Fatalf("%d seen before: %v", s, o)
				}
			case s < top:
				reordered++
				if o != Reordered {
					t.Fatalf("%d below top %d: %v", s, top, o)
				}
			default:
				if o != New {
					t.Fatalf("%d: %v", s, o)
				}
			}
			seen[s] = true
			top = max(top, s+1)
		}
	}
	if w.Distinct != uint64(len(seen)) || w.Duplicates != dups || w.Reordered != reordered || w.Late != 0 {
		t.Fatalf("window %+v; set: distinct %d dups %d reordered %d", w.Counts, len(seen), dups, reordered)
	}
	if lost := w.Lost(200 * 60); lost != 200*60-uint64(len(seen)) {
		t.Fatalf("lost %d", lost)
	}
}

func TestStreamsExpectations(t *testing.T) {
	pair := NewStreams(Options{Publishers: 10, Expect: Expect{Publishers: []int{3}}})
	pair.Observe(3, 0)
	pair.Observe(3, 1)
	pair.Observe(4, 0) // not its publisher
	c := pair.Counts()
	if c.Distinct != 2 || c.Unexpected != 1 {
		t.Fatalf("pair: %+v", c)
	}
	fan := NewStreams(Options{Publishers: 3, Expect: Expect{All: true}})
	for p := range 3 {
		fan.Observe(p, 0)
		fan.Observe(p, 2)
	}
	fan.Observe(7, 0) // no such publisher
	c = fan.Counts()
	if c.Distinct != 6 || c.Missing != 3 || c.Unexpected != 1 {
		t.Fatalf("fan-out: %+v", c)
	}
}

func TestObserveAllocatesNothing(t *testing.T) {
	s := NewStreams(Options{Publishers: 4, Expect: Expect{All: true}})
	s.Observe(2, 0)
	seq := uint64(1)
	if n := testing.AllocsPerRun(1000, func() { s.Observe(2, seq); seq++ }); n != 0 {
		t.Fatalf("%v allocations per Observe", n)
	}
}

func BenchmarkObserve(b *testing.B) {
	s := NewStreams(Options{Publishers: 4, Expect: Expect{All: true}})
	seq := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		s.Observe(int(seq%4), seq/4)
		seq++
	}
}
