// Package metrics serves a running benchmark's figures on /metrics for Prometheus, written by Prometheus's
// own encoder (prometheus/common/expfmt), so a run over many shards can be watched live in one place.
// Nothing is counted twice: at each scrape it reads a snapshot of the bench's own tallies and HDR
// recorders and writes them as Prometheus counters and histograms, so the hot path pays nothing for it.
//
// client_golang's registry is left out on purpose: its prometheus package registers the Go and process
// collectors in a default registry at init, which every start of every mqtt command would pay (1.4 ms
// and 2.5 MiB, `mqtt pub -m` from cron included) for a page that only bench serves; expfmt and
// client_model cost 0.15 million instructions at init over the protobuf runtime that the codecs link.
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
	"slices"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

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

// families are the page's metric families: the bench's series, then a few of the Go runtime's and the
// process's under the names client_golang's collectors give them, so that the usual dashboards find them.
func families(o Options) []*dto.MetricFamily {
	if o.Buckets == nil {
		o.Buckets = DefaultBuckets
	}
	roles := o.Read()
	run := fmt.Sprintf("%016x", o.Run)
	labels := func(role string, more ...*dto.LabelPair) []*dto.LabelPair {
		ls := append(more, pair("role", role), pair("run", run), pair("shard", o.Shard))
		// Sorted by name, as client_golang's registry gives them.
		slices.SortFunc(ls, func(a, b *dto.LabelPair) int { return strings.Compare(a.GetName(), b.GetName()) })
		return ls
	}
	var fams []*dto.MetricFamily
	add := func(name, help string, typ dto.MetricType, ms []*dto.Metric) {
		if len(ms) > 0 { // the text format has no empty family
			fams = append(fams, &dto.MetricFamily{Name: &name, Help: &help, Type: typ.Enum(), Metric: ms})
		}
	}
	var messages, bytes, errs, latency []*dto.Metric
	for _, r := range roles {
		messages = append(messages, counter(float64(r.Messages), labels(r.Name)...))
		bytes = append(bytes, counter(float64(r.Bytes), labels(r.Name)...))
		for _, reason := range sortedKeys(r.Errors) {
			errs = append(errs, counter(float64(r.Errors[reason]), labels(r.Name, pair("reason", reason))...))
		}
		for _, metric := range sortedKeys(r.Histograms) {
			latency = append(latency, &dto.Metric{
				Label:     labels(r.Name, pair("metric", metric)),
				Histogram: histogram(r.Histograms[metric], o.Buckets),
			})
		}
	}
	add("mqtt_bench_messages_total", "Messages sent or received, warm-up included.", dto.MetricType_COUNTER, messages)
	add("mqtt_bench_bytes_total", "Payload bytes sent or received, warm-up included.", dto.MetricType_COUNTER, bytes)
	add("mqtt_bench_errors_total", "Errors, by reason.", dto.MetricType_COUNTER, errs)
	add("mqtt_bench_latency_seconds", "Latency, by metric: latency (from the intended send time), latency_raw, ack, send_delay, connect.",
		dto.MetricType_HISTOGRAM, latency)

	add("go_goroutines", "Number of goroutines that currently exist.", dto.MetricType_GAUGE,
		[]*dto.Metric{gauge(float64(runtime.NumGoroutine()))})
	threads, _ := runtime.ThreadCreateProfile(nil)
	add("go_threads", "Number of OS threads created.", dto.MetricType_GAUGE, []*dto.Metric{gauge(float64(threads))})
	// ReadMemStats rather than runtime/metrics, whose package initialisation (a table of descriptions,
	// 0.1 ms and 15 KB by GODEBUG=inittrace=1) every start of mqtt would pay; a scrape's brief stop of
	// the world is nothing.
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	add("go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use.", dto.MetricType_GAUGE,
		[]*dto.Metric{gauge(float64(mem.HeapAlloc))})
	if u, ok := cpuuse.Now(); ok {
		add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", dto.MetricType_COUNTER,
			[]*dto.Metric{counter((u.User + u.Sys).Seconds())})
	}
	return fams
}

func pair(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }

func counter(v float64, labels ...*dto.LabelPair) *dto.Metric {
	return &dto.Metric{Label: labels, Counter: &dto.Counter{Value: &v}}
}

func gauge(v float64) *dto.Metric { return &dto.Metric{Gauge: &dto.Gauge{Value: &v}} }

// write encodes the families in the format a scraper asked for (Accept), as client_golang's promhttp
// does: the text format unless it asks for protobuf.
func write(w http.ResponseWriter, r *http.Request, fams []*dto.MetricFamily) {
	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
	w.Header().Set("Content-Type", string(format))
	enc := expfmt.NewEncoder(w, format)
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return // the scraper has gone, or the page is malformed: either way a half page tells it so
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		_ = c.Close()
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// histogram turns an HDR histogram (µs) into Prometheus's cumulative buckets at bounds. A value counts in
// every bucket whose bound is at or above the top of its HDR range, so a bucket never claims a value that
// might lie above its bound.
func histogram(h *hdr.Histogram, bounds []time.Duration) *dto.Histogram {
	bars := h.Distribution()
	out := &dto.Histogram{Bucket: make([]*dto.Bucket, len(bounds))}
	for i, b := range bounds {
		bound, upper := b.Microseconds(), b.Seconds()
		var cumulative uint64
		for _, bar := range bars {
			if bar.Count > 0 && bar.To <= bound {
				cumulative += uint64(bar.Count)
			}
		}
		out.Bucket[i] = &dto.Bucket{CumulativeCount: &cumulative, UpperBound: &upper}
	}
	count := uint64(h.TotalCount())
	sum := h.Mean() * float64(count) / 1e6
	out.SampleCount, out.SampleSum = &count, &sum
	return out
}

// Server serves /metrics until closed.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen starts serving on addr (host:port; port 0 picks one), with no global state.
func Listen(addr string, o Options) (*Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) { write(w, r, families(o)) })
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
