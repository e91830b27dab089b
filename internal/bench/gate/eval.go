package gate

import (
	"strings"

	"mqtt/internal/bench/result"
)

// Outcome is one gate checked against a result.
type Outcome struct {
	Gate
	Actual float64 // the metric's value, in the gate's unit
	Known  bool    // false: the result has no data for the metric, and the gate fails
	Pass   bool
}

// Evaluate checks every gate against r.
func Evaluate(gates []Gate, r *result.Result) []Outcome {
	out := make([]Outcome, len(gates))
	for i, g := range gates {
		v, ok := measure(g.Metric, r)
		out[i] = Outcome{Gate: g, Actual: v, Known: ok, Pass: ok && compare(v, g.Op, g.Value)}
	}
	return out
}

// Passed reports whether every outcome passed.
func Passed(os []Outcome) bool {
	for _, o := range os {
		if !o.Pass {
			return false
		}
	}
	return true
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

func measure(metric string, r *result.Result) (float64, bool) {
	l := r.Loss()
	switch metric {
	case "loss":
		return l.Fraction(), l.Receivers > 0
	case "lost":
		return float64(l.Lost), l.Receivers > 0
	case "dups":
		return float64(l.Duplicates), l.Receivers > 0
	case "reorder":
		return float64(l.Reordered), l.Receivers > 0
	case "late":
		return float64(l.Late), l.Receivers > 0
	case "errors":
		var n uint64
		for i := range r.Roles {
			n += r.Roles[i].Totals().ErrorCount()
		}
		return float64(n), true
	case "rate":
		t := r.TargetRate()
		return r.Rate(result.Pub) / t, t > 0
	case "msgs":
		return r.Rate(result.Pub), r.Role(result.Pub) != nil
	case "recv":
		return r.Rate(result.Sub), r.Role(result.Sub) != nil
	case "cpu":
		busiest := 0.0
		for _, s := range r.Shards {
			busiest = max(busiest, s.CPU.Load())
		}
		return busiest, len(r.Shards) > 0
	}
	prefix, stat, found := strings.Cut(metric, ".")
	if !found || quantiles[prefix] > 0 {
		prefix, stat = "", metric
	}
	h := histogram(r, histograms[prefix])
	if h == nil {
		return 0, false
	}
	switch stat {
	case "min":
		return float64(h.Min()), true
	case "max":
		return float64(h.Max()), true
	case "mean":
		return h.Mean(), true
	}
	return float64(h.Quantile(quantiles[stat])), true
}

// histogram finds a metric in the role that records it: latencies in the subscribers, ack and send delay in
// the publishers, connect time in the first role that has it.
func histogram(r *result.Result, metric string) *result.Histogram {
	for _, role := range []string{result.Sub, result.Pub, result.Conn} {
		if ro := r.Role(role); ro != nil && ro.Histograms[metric] != nil {
			if metric == result.Connect {
				return mergedConnect(r)
			}
			return ro.Histograms[metric]
		}
	}
	return nil
}

// mergedConnect adds the connect times of every role: a connect gate is about all connections.
func mergedConnect(r *result.Result) *result.Histogram {
	var sum *result.Histogram
	for _, ro := range r.Roles {
		h := ro.Histograms[result.Connect]
		if h == nil {
			continue
		}
		if sum == nil {
			sum = result.Wrap(h.Clone())
		} else {
			sum.Merge(h.Histogram)
		}
	}
	return sum
}
