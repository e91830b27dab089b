package watch

import "time"

// rateWindow is how many once-a-second samples of a count a rate is taken over: the rate is the messages
// of the last few seconds, steady enough to read and quick to fall when a topic stops.
const rateWindow = 4

type rateSample struct {
	at    time.Time
	count uint64
}

// rates samples counts once a second.
type rates struct {
	samples [rateWindow]rateSample
	n       int
	perSec  float64
	known   bool // once two samples a second apart exist
}

func (r *rates) add(at time.Time, count uint64) {
	if r.n == rateWindow {
		copy(r.samples[:], r.samples[1:])
		r.n--
	}
	r.samples[r.n] = rateSample{at, count}
	r.n++
	if r.n > 1 {
		old := r.samples[0]
		r.perSec = float64(count-old.count) / at.Sub(old.at).Seconds()
		r.known = true
	}
}

// rateTracker samples every topic's count, and the total, once a second.
type rateTracker struct {
	last  time.Time
	total rates
}

func (t *rateTracker) sample(s *Snapshot, now time.Time) {
	if !t.last.IsZero() && now.Sub(t.last) < time.Second {
		return
	}
	t.last = now
	t.total.add(now, s.Total)
	for _, v := range s.Topics {
		v.cache.rate.add(now, v.Count)
	}
}
