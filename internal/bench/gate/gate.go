// Package gate parses and evaluates benchmark gates: a comma-separated list of comparisons such as
// `p99<20ms,loss==0,rate>=0.98`, each a metric, an operator (< <= > >= == !=) and a value, checked against a
// result.Result so that CI can fail a run whose figures are not good enough.
//
// Metrics and their values:
//
//	p50 p90 p95 p99 p99.9 p99.99 min max mean
//	                 end-to-end latency from the intended send time (the corrected one); a duration with a
//	                 unit: 250us (or 250µs), 20ms, 1.5s
//	raw.P ack.P delay.P connect.P
//	                 the same quantile P of the raw end-to-end latency, the acknowledgement latency, the
//	                 send delay and the connect time: raw.p99<5ms, ack.max<1s, connect.p50<10ms
//	loss             lost messages as a fraction of those expected: 0.001 or 0.1%
//	rate             publish rate as a fraction of the target rate: 0.98 or 98% (a paced run only)
//	lost dups reorder late errors
//	                 counts: lost messages, duplicates, reordered arrivals, arrivals too late to tell,
//	                 errors of every reason
//	msgs recv        messages per second published, received
//	cpu              the busiest shard's CPU as a fraction of its cores: 0.8 or 80%
//
// A metric the result has no data for (ack latency of a QoS 0 run, say) fails its gate.
package gate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"mqtt/internal/bench/result"
)

// Kind is how a metric's values are written.
type Kind uint8

const (
	Latency  Kind = iota // microseconds; written with a duration unit
	Fraction             // a fraction, or a percentage with %
	Number               // a plain count or rate
)

// Gate is one comparison.
type Gate struct {
	Text   string // as written
	Metric string
	Op     string
	Value  float64 // in the metric's unit: µs for latency, a fraction, a number
	Kind   Kind
}

// ParseError is a gate that cannot be read; Col is the 1-based column in the whole expression.
type ParseError struct {
	Col int
	Msg string
}

func (e *ParseError) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

var quantiles = map[string]float64{"p50": 50, "p90": 90, "p95": 95, "p99": 99, "p99.9": 99.9, "p99.99": 99.99}

var histograms = map[string]string{"": result.Latency, "raw": result.LatencyRaw, "ack": result.Ack,
	"delay": result.SendDelay, "connect": result.Connect}

var plain = map[string]Kind{"loss": Fraction, "rate": Fraction, "cpu": Fraction, "lost": Number, "dups": Number,
	"reorder": Number, "late": Number, "errors": Number, "msgs": Number, "recv": Number}

// kindOf says what a metric name is, or false for an unknown one.
func kindOf(metric string) (Kind, bool) {
	if k, ok := plain[metric]; ok {
		return k, true
	}
	prefix, stat, found := strings.Cut(metric, ".")
	if !found || quantiles[prefix] > 0 { // p99.9 has a dot of its own
		prefix, stat = "", metric
	}
	if _, ok := histograms[prefix]; !ok {
		return 0, false
	}
	if _, ok := quantiles[stat]; ok || stat == "min" || stat == "max" || stat == "mean" {
		return Latency, true
	}
	return 0, false
}

var ops = []string{"<=", ">=", "==", "!=", "<", ">"} // two-character ones first

// Parse reads a gate expression.
func Parse(expr string) ([]Gate, error) {
	var gates []Gate
	col := 0
	for part := range strings.SplitSeq(expr, ",") {
		g, err := parseOne(part, col)
		if err != nil {
			return nil, err
		}
		gates = append(gates, g)
		col += len(part) + 1
	}
	return gates, nil
}

func parseOne(part string, col int) (Gate, error) {
	lead := len(part) - len(strings.TrimLeftFunc(part, unicode.IsSpace))
	text := strings.TrimSpace(part)
	at := func(i int, format string, a ...any) error {
		return &ParseError{Col: col + lead + i + 1, Msg: fmt.Sprintf(format, a...)}
	}
	if text == "" {
		return Gate{}, at(0, "empty gate: want a metric, an operator and a value, like p99<20ms")
	}
	i := strings.IndexAny(text, "<>=!")
	if i < 0 {
		return Gate{}, at(len(text), "%q has no operator: use <, <=, >, >=, == or !=", text)
	}
	g := Gate{Text: text, Metric: strings.TrimSpace(text[:i])}
	for _, op := range ops {
		if strings.HasPrefix(text[i:], op) {
			g.Op = op
			break
		}
	}
	if g.Op == "" {
		return Gate{}, at(i, "%q is not an operator: use <, <=, >, >=, == or !=", text[i:min(i+2, len(text))])
	}
	if g.Metric == "" {
		return Gate{}, at(0, "no metric before %s", g.Op)
	}
	kind, ok := kindOf(g.Metric)
	if !ok {
		return Gate{}, at(0, "unknown metric %q: use p50..p99.99, min, max, mean (with raw., ack., delay. or connect. before them), loss, rate, lost, dups, reorder, late, errors, msgs, recv or cpu", g.Metric)
	}
	g.Kind = kind
	vstart := i + len(g.Op)
	raw := text[vstart:]
	vcol := vstart + len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
	v, err := value(strings.TrimSpace(raw), kind)
	if err != nil {
		return Gate{}, at(vcol, "%s %s", g.Metric, err)
	}
	g.Value = v
	return g, nil
}

func value(s string, k Kind) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("has no value after the operator")
	}
	switch k {
	case Latency:
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			if s == "0" {
				return 0, nil
			}
			return 0, fmt.Errorf("value %q needs a unit: us, ms or s (20ms)", s)
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("value %q is not a duration such as 500us, 20ms or 1.5s", s)
		}
		return float64(d) / float64(time.Microsecond), nil
	case Fraction:
		pct := strings.HasSuffix(s, "%")
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("value %q is not a fraction (0.98) or a percentage (98%%)", s)
		}
		if pct {
			f /= 100
		}
		return f, nil
	default:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("value %q is not a number", s)
		}
		return f, nil
	}
}
