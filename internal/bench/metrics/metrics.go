// Package metrics serves a running benchmark's figures on /metrics for Prometheus, in its text format
// (exposition.go), so a run over many shards can be watched live in one place. Nothing is counted twice:
// at each scrape it reads a snapshot of the bench's own tallies and HDR recorders and writes them as
// Prometheus counters and histograms, so the hot path pays nothing for it.
//
// Series, each labelled run (the run id in hex), shard (INDEX/COUNT) and role (pub, sub, conn):
//
//	mqtt_bench_messages_total                messages sent or received, warm-up included
//	mqtt_bench_bytes_total                   payload bytes, likewise
//	mqtt_bench_errors_total{reason}          errors by reason
//	mqtt_bench_latency_seconds{metric}       histograms: latency, latency_raw, ack, send_delay, connect
//
// and, unlabelled, go_goroutines, go_threads, go_memstats_heap_alloc_bytes and process_cpu_seconds_total.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"mqtt/internal/bench/cpuuse"
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

// scrape writes the page: the bench's series, then a few of the Go runtime's and the process's under the
// names client_golang's collectors give them, so that the usual dashboards find them.
func scrape(o Options) []byte {
	if o.Buckets == nil {
		o.Buckets = DefaultBuckets
	}
	roles := o.Read()
	labels := func(role string, more ...label) []label {
		return sortLabels(append(more, label{"role", role}, label{"run", fmt.Sprintf("%016x", o.Run)}, label{"shard", o.Shard}))
	}
	var p page
	p.family("mqtt_bench_messages_total", "counter", "Messages sent or received, warm-up included.")
	for _, r := range roles {
		p.sample("mqtt_bench_messages_total", labels(r.Name), float64(r.Messages))
	}
	p.family("mqtt_bench_bytes_total", "counter", "Payload bytes sent or received, warm-up included.")
	for _, r := range roles {
		p.sample("mqtt_bench_bytes_total", labels(r.Name), float64(r.Bytes))
	}
	if slices.ContainsFunc(roles, func(r Role) bool { return len(r.Errors) > 0 }) {
		p.family("mqtt_bench_errors_total", "counter", "Errors, by reason.")
		for _, r := range roles {
			for _, reason := range sortedKeys(r.Errors) {
				p.sample("mqtt_bench_errors_total", labels(r.Name, label{"reason", reason}), float64(r.Errors[reason]))
			}
		}
	}
	if slices.ContainsFunc(roles, func(r Role) bool { return len(r.Histograms) > 0 }) {
		const name = "mqtt_bench_latency_seconds"
		p.family(name, "histogram", "Latency, by metric: latency (from the intended send time), latency_raw, ack, send_delay, connect.")
		bounds := make([]float64, len(o.Buckets))
		for i, b := range o.Buckets {
			bounds[i] = b.Seconds()
		}
		for _, r := range roles {
			for _, metric := range sortedKeys(r.Histograms) {
				count, sum, cumulative := buckets(r.Histograms[metric], o.Buckets)
				p.histogram(name, labels(r.Name, label{"metric", metric}), bounds, cumulative, count, sum)
			}
		}
	}
	p.family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	p.sample("go_goroutines", nil, float64(runtime.NumGoroutine()))
	threads, _ := runtime.ThreadCreateProfile(nil)
	p.family("go_threads", "gauge", "Number of OS threads created.")
	p.sample("go_threads", nil, float64(threads))
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(heap)
	if heap[0].Value.Kind() == metrics.KindUint64 {
		p.family("go_memstats_heap_alloc_bytes", "gauge", "Number of heap bytes allocated and currently in use.")
		p.sample("go_memstats_heap_alloc_bytes", nil, float64(heap[0].Value.Uint64()))
	}
	if u, ok := cpuuse.Now(); ok {
		p.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
		p.sample("process_cpu_seconds_total", nil, (u.User + u.Sys).Seconds())
	}
	return p.b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// buckets turns an HDR histogram (µs) into Prometheus's cumulative buckets at bounds. A value counts in
// every bucket whose bound is at or above the top of its HDR range, so a bucket never claims a value that
// might lie above its bound.
func buckets(h *hdr.Histogram, bounds []time.Duration) (count uint64, sum float64, cumulative []uint64) {
	cumulative = make([]uint64, len(bounds))
	bars := h.Distribution()
	for i, b := range bounds {
		bound := b.Microseconds()
		for _, bar := range bars {
			if bar.Count > 0 && bar.To <= bound {
				cumulative[i] += uint64(bar.Count)
			}
		}
	}
	count = uint64(h.TotalCount())
	sum = h.Mean() * float64(count) / 1e6
	return count, sum, cumulative
}

// Server serves /metrics until closed.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen starts serving on addr (host:port; port 0 picks one), with no global state.
func Listen(addr string, o Options) (*Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(scrape(o))
	})
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
