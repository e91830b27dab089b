package summary

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/seqtrack"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var start = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func hist(values ...time.Duration) *result.Histogram {
	r := latency.NewRecorder(1)
	for _, v := range values {
		r.Record(0, v)
	}
	h, _ := r.Snapshot()
	return result.Wrap(h)
}

// spread returns n durations rising evenly from lo to hi.
func spread(n int, lo, hi time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = lo + time.Duration(int64(hi-lo)*int64(i)/int64(n-1))
	}
	return out
}

func pubsub() *result.Result {
	lat := spread(9000, 150*time.Microsecond, 2*time.Millisecond)
	lat = append(lat, 35*time.Millisecond) // one slow one
	raw := spread(9001, 100*time.Microsecond, 1500*time.Microsecond)
	return &result.Result{
		Version: result.Version,
		Settings: result.Settings{Scenario: "pubsub", Shape: "pairs", Broker: "tcp://127.0.0.1:1883", RunID: 0x3a7f00c0ffee0001,
			Shards: 1, Publishers: 2, Subscribers: 2, PubQoS: 1, SubQoS: 1, PayloadSize: 100, Topic: "bench/%i",
			ClientID: "mqtt-bench-%i", Rate: 1000, Duration: result.Duration(10 * time.Second),
			Warmup: result.Duration(time.Second), Inflight: 64, Extra: map[string]string{"protocol": "v5"}},
		Shards: []result.Shard{{Index: 0, CPU: result.CPU{User: result.Duration(2100 * time.Millisecond),
			Sys: result.Duration(900 * time.Millisecond), Wall: result.Duration(10 * time.Second), Cores: 2}}},
		Start: start.Add(time.Second), End: start.Add(10 * time.Second),
		Roles: []result.Role{
			{Name: result.Pub,
				Clients: []result.Client{
					{Index: 0, ID: "mqtt-bench-0", Messages: 4500, Bytes: 450000, Total: 5000},
					{Index: 1, ID: "mqtt-bench-1", Messages: 4500, Bytes: 450000, Total: 5000, Errors: map[string]uint64{"publish-timeout": 2}},
				},
				Histograms: map[string]*result.Histogram{
					result.Ack:       hist(spread(9000, 80*time.Microsecond, 900*time.Microsecond)...),
					result.SendDelay: hist(spread(9000, 2*time.Microsecond, 60*time.Microsecond)...),
					result.Connect:   hist(1200*time.Microsecond, 1500*time.Microsecond),
				}},
			{Name: result.Sub,
				Clients: []result.Client{
					{Index: 0, ID: "mqtt-bench-sub-0", Messages: 4500, Bytes: 450000, Total: 5000},
					{Index: 1, ID: "mqtt-bench-sub-1", Messages: 4497, Bytes: 449700, Total: 4997},
				},
				Receivers: []result.Receiver{
					{Name: "mqtt-bench-sub-0", Expect: seqtrack.Expect{Publishers: []int{0}}, Counts: seqtrack.Counts{Received: 5000, Distinct: 5000}},
					{Name: "mqtt-bench-sub-1", Expect: seqtrack.Expect{Publishers: []int{1}}, Counts: seqtrack.Counts{Received: 4997, Distinct: 4996, Duplicates: 1, Reordered: 2}},
				},
				Histograms: map[string]*result.Histogram{
					result.Latency:    hist(lat...),
					result.LatencyRaw: hist(raw...),
					result.Connect:    hist(900*time.Microsecond, 1100*time.Microsecond),
				}},
		},
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("summary differs from %s (-update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestSummaryPubSub(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, pubsub(), Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "pubsub.txt", b.String())
}

func TestSummaryOfAMergeWithWarnings(t *testing.T) {
	r := pubsub()
	r.Settings.Shards = 2
	s1 := r.Shards[0]
	s1.Index = 1
	s1.CPU.User = result.Duration(18 * time.Second)
	r.Shards = append(r.Shards, s1)
	r.Roles[0].Histograms[result.SendDelay] = hist(spread(100, 5*time.Millisecond, 50*time.Millisecond)...)
	var b bytes.Buffer
	if err := Write(&b, r, Options{ClientLines: 1}); err != nil {
		t.Fatal(err)
	}
	golden(t, "warnings.txt", b.String())
}

func TestSummaryBenchSubWithoutPublishers(t *testing.T) {
	r := pubsub()
	r.Settings.Scenario, r.Settings.Publishers = "sub", 0
	r.Roles = r.Roles[1:]
	r.Roles[0].Receivers[1].Missing = 4
	var b bytes.Buffer
	if err := Write(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "sub.txt", b.String())
}

func TestUnits(t *testing.T) {
	cases := map[string]string{
		Micros(0): "0µs", Micros(999): "999µs", Micros(1000): "1.00ms", Micros(1024): "1.02ms",
		Micros(12_345): "12.3ms", Micros(123_456): "123ms", Micros(1_500_000): "1.50s", Micros(3_600_000_000): "3600s",
		Count(0): "0", Count(999): "999", Count(1000): "1,000", Count(1234567): "1,234,567",
		Bytes(100): "100 B", Bytes(100 * 1024): "100.0 KiB", Bytes(1.5 * 1024 * 1024): "1.5 MiB",
		Duration(1500 * time.Microsecond): "1.50ms",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestLiveLineOverTheInterval(t *testing.T) {
	rec := latency.NewRecorder(1)
	for range 100 {
		rec.Record(0, 100*time.Millisecond) // before the interval: must not show
	}
	h1, _ := rec.Snapshot()
	for range 1000 {
		rec.Record(0, 200*time.Microsecond)
	}
	h2, _ := rec.Snapshot()
	prev := Snapshot{At: start, Elapsed: time.Second, Sent: 1000, Received: 900, Latency: h1}
	cur := Snapshot{At: start.Add(2 * time.Second), Elapsed: 3 * time.Second, Sent: 3000, Received: 2900, Errors: 1, Missing: 7, Latency: h2}
	got := Live(prev, cur)
	want := "   3.0s  sent 1,000/s  recv 1,000/s  p50 200µs  p99 200µs  gaps 7  errors 1"
	if got != want {
		t.Fatalf("live line\n %q\nwant\n %q", got, want)
	}
	pubOnly := Live(Snapshot{At: start}, Snapshot{At: start.Add(time.Second), Elapsed: time.Second, Sent: 500})
	if pubOnly != "   1.0s  sent 500/s  errors 0" {
		t.Fatalf("publish-only live line %q", pubOnly)
	}
	quiet := Live(cur, Snapshot{At: start.Add(3 * time.Second), Elapsed: 4 * time.Second, Sent: 3000, Received: 2900, Latency: h2})
	if !strings.Contains(quiet, "recv 0/s  p50 -  p99 -") {
		t.Fatalf("nothing received in the interval: %q", quiet)
	}
}

func TestProgressPlainLinePerUpdate(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(ProgressOptions{Out: &b, Total: 10})
	p.Update("one", 3)
	p.Update("two", 6)
	p.Close()
	if b.String() != "one\ntwo\n" {
		t.Fatalf("plain progress %q", b.String())
	}
}

func TestProgressBarOnATerminal(t *testing.T) {
	var b syncBuffer
	p := NewProgress(ProgressOptions{Out: &b, TTY: true, Total: 10})
	p.Update("sent 5/s", 5)
	p.Close()
	out := b.String()
	if !strings.Contains(out, "sent 5/s") || !strings.Contains(out, "50 %") || !strings.Contains(out, "[") {
		t.Fatalf("bar output %q", out)
	}
}

// A conn run counts connections, and one client is not "1 clients".
func TestSummaryConnWords(t *testing.T) {
	r := pubsub()
	r.Settings.Scenario = "conn"
	r.Roles = []result.Role{{Name: result.Conn, Clients: []result.Client{{Index: 0, Messages: 1}}}}
	var b bytes.Buffer
	if err := Write(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"connects/s", "(1 connects in ", ", 1 client)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "msgs") {
		t.Errorf("a conn summary speaks of msgs:\n%s", out)
	}
}
