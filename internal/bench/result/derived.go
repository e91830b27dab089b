package result

import (
	"time"

	"mqtt/internal/bench/seqtrack"
)

// Loss is what the receivers of a result saw, summed, against what the publishers sent them.
type Loss struct {
	Receivers       int
	seqtrack.Counts // summed over receivers
	// Expected is how many messages the receivers should have seen, from the publishers' totals; Known is
	// false when the result has no publishers (bench sub under load made elsewhere), and then Lost is the
	// gaps below the highest sequence numbers seen.
	Expected uint64
	Lost     uint64
	Known    bool
}

// Loss sums the receivers of every role against the publishers' totals.
func (r *Result) Loss() Loss {
	var l Loss
	pub := r.Role(Pub)
	sent := map[int]uint64{}
	var all uint64
	if pub != nil {
		l.Known = true
		for _, c := range pub.Clients {
			sent[c.Index] += c.Total
			all += c.Total
		}
	}
	for _, ro := range r.Roles {
		for _, rc := range ro.Receivers {
			l.Receivers++
			l.Add(rc.Counts)
			if !l.Known {
				continue
			}
			var expected uint64
			if rc.Expect.All {
				expected = all
			} else {
				for _, p := range rc.Expect.Publishers {
					expected += sent[p]
				}
			}
			l.Expected += expected
			l.Lost += rc.Lost(expected)
		}
	}
	if !l.Known {
		l.Lost = l.Missing
	}
	return l
}

// Fraction is Lost over Expected (or over Lost plus Distinct when the publishers are elsewhere).
func (l Loss) Fraction() float64 {
	d := l.Expected
	if !l.Known {
		d = l.Lost + l.Distinct
	}
	if d == 0 {
		return 0
	}
	return float64(l.Lost) / float64(d)
}

// Rate is a role's counted messages per second (0 for a role the result lacks).
func (r *Result) Rate(role string) float64 {
	ro := r.Role(role)
	if ro == nil || r.Elapsed() <= 0 {
		return 0
	}
	return float64(ro.Totals().Messages) / r.Elapsed().Seconds()
}

// TargetRate is the publish rate the settings ask of the publishers this result holds (a shard's share of
// the whole run's rate, or all of it after a merge); 0 when unpaced.
func (r *Result) TargetRate() float64 {
	pub := r.Role(Pub)
	if pub == nil || r.Settings.Publishers == 0 {
		return 0
	}
	return r.Settings.Schedule().TargetRate() * float64(len(pub.Clients)) / float64(r.Settings.Publishers)
}

// Warning codes.
const (
	// ToolCPU: a shard's process used at least ToolCPULoad of all its cores. The figures then measure the
	// tool's own ceiling, not the broker's: the tool, not the broker, is the bottleneck.
	ToolCPU = "tool-cpu"
	// BehindSchedule: the publishers' p99 send delay was at least BehindDelay. The schedule was not kept:
	// with ToolCPU the tool is why; without it, the broker pushed back (TCP, or a full inflight window).
	BehindSchedule = "behind-schedule"
	// Clamped: some values fell outside the histograms' range (1 µs to 1 h, or negative across clocks).
	Clamped = "clamped"
)

// The thresholds of the warnings.
const (
	ToolCPULoad = 0.9
	BehindDelay = 10 * time.Millisecond
)

// Warning is a reason not to trust a figure, for the report to word.
type Warning struct {
	Code  string
	Shard int     // the shard it is about, for ToolCPU
	Value float64 // the load (ToolCPU), the p99 delay in µs (BehindSchedule), the count (Clamped)
}

// Warnings applies the rules above.
func (r *Result) Warnings() []Warning {
	var ws []Warning
	for _, s := range r.Shards {
		if l := s.CPU.Load(); l >= ToolCPULoad {
			ws = append(ws, Warning{Code: ToolCPU, Shard: s.Index, Value: l})
		}
	}
	if pub := r.Role(Pub); pub != nil {
		if h := pub.Histograms[SendDelay]; h != nil {
			if p99 := h.Quantile(99); p99 >= BehindDelay.Microseconds() {
				ws = append(ws, Warning{Code: BehindSchedule, Value: float64(p99)})
			}
		}
	}
	var clamped int64
	for _, ro := range r.Roles {
		for _, n := range ro.Clamped {
			clamped += n
		}
	}
	if clamped > 0 {
		ws = append(ws, Warning{Code: Clamped, Value: float64(clamped)})
	}
	return ws
}
