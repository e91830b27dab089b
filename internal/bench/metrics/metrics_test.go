package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestScrape(t *testing.T) {
	lat := hdr.New(1, 3_600_000_000, 3)
	for range 90 {
		_ = lat.RecordValue(200) // 200 µs
	}
	for range 10 {
		_ = lat.RecordValue(30_000) // 30 ms
	}
	scrapes := 0
	s, err := Listen("127.0.0.1:0", Options{Run: 0xabc, Shard: "1/4", Read: func() []Role {
		scrapes++
		return []Role{
			{Name: "pub", Messages: 1000, Bytes: 100000, Errors: map[string]uint64{"publish-timeout": 3}},
			{Name: "sub", Messages: 100, Bytes: 10000, Histograms: map[string]*hdr.Histogram{"latency": lat}},
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	resp, err := http.Get("http://" + s.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)
	for _, want := range []string{
		`mqtt_bench_messages_total{role="pub",run="0000000000000abc",shard="1/4"} 1000`,
		`mqtt_bench_bytes_total{role="sub",run="0000000000000abc",shard="1/4"} 10000`,
		`mqtt_bench_errors_total{reason="publish-timeout",role="pub",run="0000000000000abc",shard="1/4"} 3`,
		`mqtt_bench_latency_seconds_bucket{metric="latency",role="sub",run="0000000000000abc",shard="1/4",le="0.00025"} 90`,
		`mqtt_bench_latency_seconds_bucket{metric="latency",role="sub",run="0000000000000abc",shard="1/4",le="0.025"} 90`,
		`mqtt_bench_latency_seconds_bucket{metric="latency",role="sub",run="0000000000000abc",shard="1/4",le="0.05"} 100`,
		`mqtt_bench_latency_seconds_count{metric="latency",role="sub",run="0000000000000abc",shard="1/4"} 100`,
		`process_cpu_seconds_total`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if scrapes != 1 {
		t.Fatalf("%d reads for one scrape", scrapes)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4; charset=utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	// Prometheus's own parser reads the page, histograms whole.
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("Prometheus cannot read the page: %v\n%s", err, text)
	}
	h := families["mqtt_bench_latency_seconds"]
	if h.GetType() != dto.MetricType_HISTOGRAM || len(h.Metric) != 1 || h.Metric[0].GetHistogram().GetSampleCount() != 100 {
		t.Errorf("latency family %v", h)
	}
	if got := len(h.Metric[0].GetHistogram().GetBucket()); got != len(DefaultBuckets)+1 {
		t.Errorf("%d buckets, want %d and +Inf", got, len(DefaultBuckets))
	}
	if t.Failed() {
		t.Log(text)
	}
}

// Label values and help text are escaped as the text format asks: a reason may hold anything.
func TestScrapeEscapes(t *testing.T) {
	reason := "a \"quoted\" \\ reason\nover two lines"
	rec := httptest.NewRecorder()
	write(rec, httptest.NewRequest("GET", "/metrics", nil), families(Options{Shard: "0/1", Read: func() []Role {
		return []Role{{Name: "pub", Errors: map[string]uint64{reason: 1}}}
	}}))
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Body)
	}
	for _, l := range families["mqtt_bench_errors_total"].GetMetric()[0].GetLabel() {
		if l.GetName() == "reason" && l.GetValue() != reason {
			t.Errorf("reason read back as %q", l.GetValue())
		}
	}
}

// A scraper that asks for protobuf (Prometheus does, for native histograms) gets it, as from promhttp.
func TestScrapeNegotiatesProtobuf(t *testing.T) {
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", string(expfmt.FmtProtoDelim))
	rec := httptest.NewRecorder()
	write(rec, req, families(Options{Shard: "0/1", Read: func() []Role {
		return []Role{{Name: "sub", Messages: 7}}
	}}))
	format := expfmt.Format(rec.Header().Get("Content-Type"))
	if format.FormatType() != expfmt.TypeProtoDelim {
		t.Fatalf("Content-Type %q for an Accept of protobuf", format)
	}
	dec := expfmt.NewDecoder(rec.Body, format)
	for {
		var f dto.MetricFamily
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("no mqtt_bench_messages_total in the protobuf page: %v", err)
		}
		if f.GetName() == "mqtt_bench_messages_total" {
			if v := f.GetMetric()[0].GetCounter().GetValue(); v != 7 {
				t.Errorf("messages %v, want 7", v)
			}
			return
		}
	}
}
