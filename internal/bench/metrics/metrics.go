// Package metrics serves a running benchmark's figures on /metrics for Prometheus
// (github.com/prometheus/client_golang), so a run over many shards can be watched live in one place. Nothing
// is counted twice: at each scrape the collector reads a snapshot of the bench's own tallies and HDR
// recorders and turns them into Prometheus counters and histograms, so the hot path pays nothing for it.
//
// Series, each labelled run (the run id in hex), shard (INDEX/COUNT) and role (pub, sub, conn):
//
//	mqtt_bench_messages_total                messages sent or received, warm-up included
//	mqtt_bench_bytes_total                   payload bytes, likewise
//	mqtt_bench_errors_total{reason}          errors by reason
//	mqtt_bench_latency_seconds{metric}       histograms: latency, latency_raw, ack, send_delay, connect
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Role is one role's figures at a scrape.
type Role struct {
	Name       string
	Messages   uint64
	Bytes      uint64
	Errors     map[string]uint64
	Histograms map[string]*hdr.Histogram // by metric name (result.Latency, ...), in µs
}

// Options say what the series are labelled with and where the figures come from.
type Options struct {
	Run   uint64
	Shard string // "0/1"
	// Read returns the roles' figures now. It is called once per scrape, from the HTTP server's goroutine.
	Read func() []Role
	// Buckets are the latency histograms' upper bounds; nil: DefaultBuckets.
	Buckets []time.Duration
}

// DefaultBuckets span 50 µs to 10 s.
var DefaultBuckets = []time.Duration{
	50 * time.Microsecond, 100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

type collector struct {
	o                              Options
	messages, bytes, errors, hists *prometheus.Desc
}

func newCollector(o Options) *collector {
	if o.Buckets == nil {
		o.Buckets = DefaultBuckets
	}
	constant := prometheus.Labels{"run": fmt.Sprintf("%016x", o.Run), "shard": o.Shard}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append([]string{"role"}, labels...), constant)
	}
	return &collector{o: o,
		messages: d("mqtt_bench_messages_total", "Messages sent or received, warm-up included."),
		bytes:    d("mqtt_bench_bytes_total", "Payload bytes sent or received, warm-up included."),
		errors:   d("mqtt_bench_errors_total", "Errors, by reason.", "reason"),
		hists:    d("mqtt_bench_latency_seconds", "Latency, by metric: latency (from the intended send time), latency_raw, ack, send_delay, connect.", "metric"),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.messages
	ch <- c.bytes
	ch <- c.errors
	ch <- c.hists
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c.o.Read() {
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, float64(r.Messages), r.Name)
		ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.CounterValue, float64(r.Bytes), r.Name)
		for reason, n := range r.Errors {
			ch <- prometheus.MustNewConstMetric(c.errors, prometheus.CounterValue, float64(n), r.Name, reason)
		}
		for metric, h := range r.Histograms {
			count, sum, buckets := c.buckets(h)
			ch <- prometheus.MustNewConstHistogram(c.hists, count, sum, buckets, r.Name, metric)
		}
	}
}

// buckets turns an HDR histogram (µs) into Prometheus's cumulative buckets (seconds). A value counts in
// every bucket whose bound is at or above the top of its HDR range, so a bucket never claims a value that
// might lie above its bound.
func (c *collector) buckets(h *hdr.Histogram) (count uint64, sum float64, buckets map[float64]uint64) {
	buckets = make(map[float64]uint64, len(c.o.Buckets))
	bars := h.Distribution()
	for _, b := range c.o.Buckets {
		bound := b.Microseconds()
		var n uint64
		for _, bar := range bars {
			if bar.Count > 0 && bar.To <= bound {
				n += uint64(bar.Count)
			}
		}
		buckets[b.Seconds()] = n
	}
	count = uint64(h.TotalCount())
	sum = h.Mean() * float64(count) / 1e6
	return count, sum, buckets
}

// Server serves /metrics until closed.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen starts serving on addr (host:port; port 0 picks one). The registry is the server's own, with the Go
// runtime's and the process's collectors besides the bench's, and no global state.
func Listen(addr string, o Options) (*Server, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(newCollector(o)); err != nil {
		return nil, err
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	s := &Server{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops the server, letting a scrape under way finish (within ctx).
func (s *Server) Close(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
