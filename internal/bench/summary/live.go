package summary

import (
	"fmt"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Snapshot is the run's running totals at one moment, as the command reads them from its tallies, streams
// and latency recorder once a second.
type Snapshot struct {
	At       time.Time
	Elapsed  time.Duration // since the run started
	Sent     uint64        // messages published so far, warm-up included
	Received uint64        // messages received so far, warm-up included
	Errors   uint64
	Missing  uint64         // gaps in the sequences so far: lost, or still on the way
	Latency  *hdr.Histogram // end-to-end latency so far (cumulative); nil when nothing receives
}

// Live is the status line for the interval between two snapshots: rates over the interval, the latency of
// the messages received in it, and the running totals of gaps and errors.
func Live(prev, cur Snapshot) string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%6.1fs", cur.Elapsed.Seconds())
	dt := cur.At.Sub(prev.At).Seconds()
	rate := func(a, b uint64) string {
		if dt <= 0 || b < a {
			return "0"
		}
		return Rate(float64(b-a) / dt)
	}
	fmt.Fprintf(b, "  sent %s/s", rate(prev.Sent, cur.Sent))
	if cur.Latency != nil {
		fmt.Fprintf(b, "  recv %s/s", rate(prev.Received, cur.Received))
		if d := delta(prev.Latency, cur.Latency); d != nil && d.TotalCount() > 0 {
			fmt.Fprintf(b, "  p50 %s  p99 %s", Micros(d.ValueAtQuantile(50)), Micros(d.ValueAtQuantile(99)))
		} else {
			b.WriteString("  p50 -  p99 -")
		}
		fmt.Fprintf(b, "  gaps %s", Count(cur.Missing))
	}
	fmt.Fprintf(b, "  errors %s", Count(cur.Errors))
	return b.String()
}

// delta is cur minus prev: the samples recorded between two snapshots of one cumulative histogram.
func delta(prev, cur *hdr.Histogram) *hdr.Histogram {
	if prev == nil || prev.TotalCount() == 0 {
		return cur
	}
	c, p := cur.Export(), prev.Export()
	if len(c.Counts) != len(p.Counts) {
		return cur
	}
	for i := range c.Counts {
		c.Counts[i] -= min(p.Counts[i], c.Counts[i])
	}
	return hdr.Import(c)
}
