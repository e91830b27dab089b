package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
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
	if t.Failed() {
		t.Log(text)
	}
}
