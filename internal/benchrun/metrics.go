package benchrun

import (
	"github.com/HdrHistogram/hdrhistogram-go"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/metrics"
	"mqtt/internal/bench/result"
)

// metrics is the run's figures now, for a scrape of /metrics.
func (r *run) metrics() []metrics.Role {
	snap := func(rs map[string]*latency.Recorder) map[string]*hdrhistogram.Histogram {
		out := make(map[string]*hdrhistogram.Histogram, len(rs))
		for name, rec := range rs {
			out[name], _ = rec.Snapshot()
		}
		return out
	}
	var roles []metrics.Role
	if len(r.pubs) > 0 {
		ro := metrics.Role{Name: result.Pub, Errors: map[string]uint64{}, Histograms: snap(map[string]*latency.Recorder{
			result.Ack: r.ack, result.SendDelay: r.delay, result.Connect: r.pubDial.connect})}
		for _, c := range r.pubs {
			addTally(&ro, &c.tally)
		}
		roles = append(roles, ro)
	}
	if len(r.subs) > 0 {
		ro := metrics.Role{Name: result.Sub, Errors: map[string]uint64{}, Histograms: snap(map[string]*latency.Recorder{
			result.Latency: r.e2e, result.LatencyRaw: r.raw, result.Connect: r.subDial.connect})}
		for _, c := range r.subs {
			addTally(&ro, &c.tally)
		}
		roles = append(roles, ro)
	}
	return roles
}

func addTally(ro *metrics.Role, t *result.Tally) {
	c := t.Client(0, "", 0)
	ro.Messages += c.Total
	ro.Bytes += c.Bytes
	for k, v := range c.Errors {
		ro.Errors[k] += v
	}
}
