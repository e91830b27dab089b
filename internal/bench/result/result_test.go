package result

import (
	"bytes"
	"math/rand/v2"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"strings"
	"testing"
	"time"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/seqtrack"
)

var start = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func settings() Settings {
	return Settings{Scenario: "pubsub", Shape: "fanout", Broker: "tcp://127.0.0.1:1883", RunID: 7, Shards: 2,
		Publishers: 4, Subscribers: 2, PubQoS: 1, SubQoS: 1, PayloadSize: 100, Topic: "bench/%i",
		Rate: 400, Duration: Duration(10 * time.Second), StartAt: start}
}

// shardRun is the part of one run that shard s of 2 did: publishers s and s+2, subscriber s. Recording
// into rec (when not nil) as well gives the same samples as one run.
func shardRun(t testing.TB, s int, all map[string]*latency.Recorder) *Result {
	t.Helper()
	rnd := rand.New(rand.NewPCG(uint64(s), 99))
	pub := Role{Name: Pub}
	sub := Role{Name: Sub}
	recs := map[string]*latency.Recorder{Latency: latency.NewRecorder(2), Ack: latency.NewRecorder(2)}
	for _, g := range []int{s, s + 2} {
		var tl Tally
		for i := range 1000 {
			tl.Message(100, i >= 100)
			d := time.Duration(rnd.ExpFloat64()*3000) * time.Microsecond
			recs[Ack].Record(g, d)
			all[Ack].Record(g, d)
		}
		if g == 3 {
			tl.Error("publish-timeout")
		}
		pub.Clients = append(pub.Clients, tl.Client(g, "pub-"+string(rune('0'+g)), s))
	}
	var tl Tally
	streams := seqtrack.NewStreams(seqtrack.Options{Publishers: 4, Expect: seqtrack.Expect{All: true}})
	for p := range 4 {
		for seq := range uint64(1000) {
			if p == 1 && s == 0 && seq%100 == 5 {
				continue // subscriber 0 loses 10 of publisher 1's messages
			}
			streams.Observe(p, seq)
			tl.Message(100, seq >= 100)
			d := time.Duration(rnd.ExpFloat64()*8000) * time.Microsecond
			recs[Latency].Record(p, d)
			all[Latency].Record(p, d)
		}
	}
	sub.Clients = append(sub.Clients, tl.Client(s, "sub-"+string(rune('0'+s)), s))
	sub.Receivers = append(sub.Receivers, Receiver{Name: "sub-" + string(rune('0'+s)), Expect: streams.Expect(), Counts: streams.Counts()})
	for _, m := range []struct {
		ro     *Role
		metric string
	}{{&pub, Ack}, {&sub, Latency}} {
		h, c := recs[m.metric].Snapshot()
		m.ro.SetHistogram(m.metric, Wrap(h), c)
	}
	return &Result{Version: Version, Settings: settings(),
		Shards: []Shard{{Index: s, CPU: CPU{User: Duration(time.Second), Wall: Duration(10 * time.Second), Cores: 2}}},
		Start:  start.Add(time.Duration(s) * time.Millisecond), End: start.Add(10*time.Second + time.Duration(s)*time.Millisecond),
		Roles: []Role{pub, sub}}
}

func roundTrip(t *testing.T, r *Result) *Result {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestMergeOfShardsIsOneRunOverTheSameSamples(t *testing.T) {
	all := map[string]*latency.Recorder{Latency: latency.NewRecorder(1), Ack: latency.NewRecorder(1)}
	a, b := shardRun(t, 0, all), shardRun(t, 1, all)
	merged, err := Merge(roundTrip(t, a), roundTrip(t, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Shards) != 2 || !merged.Start.Equal(start) || !merged.End.Equal(start.Add(10*time.Second+time.Millisecond)) {
		t.Fatalf("shards %v start %v end %v", merged.Shards, merged.Start, merged.End)
	}
	for role, metric := range map[string]string{Pub: Ack, Sub: Latency} {
		one, _ := all[metric].Snapshot()
		got := merged.Role(role).Histograms[metric]
		if got.TotalCount() != one.TotalCount() {
			t.Fatalf("%s %s: %d samples, want %d", role, metric, got.TotalCount(), one.TotalCount())
		}
		for _, q := range []float64{50, 90, 99, 99.9, 100} {
			if got.Quantile(q) != one.ValueAtQuantile(q) {
				t.Errorf("%s %s p%g: %d, one run %d", role, metric, q, got.Quantile(q), one.ValueAtQuantile(q))
			}
		}
		if got.Max() != one.Max() || got.Min() != one.Min() {
			t.Errorf("%s %s: min/max differ", role, metric)
		}
	}
	pt := merged.Role(Pub).Totals()
	if pt.Clients != 4 || pt.Messages != 3600 || pt.Total != 4000 || pt.Errors["publish-timeout"] != 1 {
		t.Fatalf("publisher totals %+v", pt)
	}
	for i, c := range merged.Role(Pub).Clients {
		if c.Index != i {
			t.Fatalf("clients not in index order: %v", merged.Role(Pub).Clients)
		}
	}
	// Each fan-out subscriber expects all 4000 messages: 10 are lost, across shards.
	l := merged.Loss()
	if !l.Known || l.Receivers != 2 || l.Expected != 8000 || l.Lost != 10 || l.Distinct != 7990 {
		t.Fatalf("loss %+v", l)
	}
	if got := merged.TargetRate(); got != 400 {
		t.Fatalf("merged target %g, want 400", got)
	}
	if got := a.TargetRate(); got != 200 {
		t.Fatalf("one shard's target %g, want 200 (2 of 4 publishers)", got)
	}
	if r := merged.Rate(Pub); r < 359 || r > 360 {
		t.Fatalf("publish rate %g, want 3600 in 10.001 s", r)
	}
}

func TestMergeRefusesOtherRunsAndRepeatedShards(t *testing.T) {
	all := map[string]*latency.Recorder{Latency: latency.NewRecorder(1), Ack: latency.NewRecorder(1)}
	a, b := shardRun(t, 0, all), shardRun(t, 1, all)
	if _, err := Merge(a, a); err == nil || !strings.Contains(err.Error(), "shard 0/2") {
		t.Fatalf("same shard twice: %v", err)
	}
	b.Settings.Rate = 500
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "rate") {
		t.Fatalf("different rate: %v", err)
	}
	b.Settings = settings()
	b.Settings.StartAt = start.Add(time.Second)
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "start_at") {
		t.Fatalf("different start: %v", err)
	}
	b.Settings = settings()
	b.Settings.Extra = map[string]string{}
	if _, err := Merge(a, b); err != nil {
		t.Fatalf("an empty map differs from none: %v", err)
	}
}

func TestShareGroupSplitOverShardsIsOneReceiver(t *testing.T) {
	r := func(s int, distinct uint64) *Result {
		return &Result{Version: Version, Settings: settings(), Shards: []Shard{{Index: s}}, Start: start, End: start,
			Roles: []Role{
				{Name: Pub, Clients: []Client{{Index: s, Total: 100}, {Index: s + 2, Total: 100}}},
				{Name: Sub, Receivers: []Receiver{{Name: "$share/g", Expect: seqtrack.Expect{All: true},
					Counts: seqtrack.Counts{Received: distinct, Distinct: distinct}}}},
			}}
	}
	m, err := Merge(r(0, 150), r(1, 240))
	if err != nil {
		t.Fatal(err)
	}
	l := m.Loss()
	if l.Receivers != 1 || l.Expected != 400 || l.Lost != 10 {
		t.Fatalf("group loss %+v, want 1 receiver expecting 400, 10 lost", l)
	}
}

func TestLossWithoutPublishersIsTheGaps(t *testing.T) {
	r := &Result{Roles: []Role{{Name: Sub, Receivers: []Receiver{{Counts: seqtrack.Counts{Distinct: 90, Missing: 10}}}}}}
	l := r.Loss()
	if l.Known || l.Lost != 10 || l.Fraction() != 0.1 {
		t.Fatalf("%+v fraction %g", l, l.Fraction())
	}
}

func TestWarnings(t *testing.T) {
	delay := latency.NewRecorder(1)
	for range 100 {
		delay.Record(0, 20*time.Millisecond)
	}
	h, _ := delay.Snapshot()
	r := &Result{Shards: []Shard{
		{Index: 0, CPU: CPU{User: Duration(15 * time.Second), Sys: Duration(3 * time.Second), Wall: Duration(10 * time.Second), Cores: 2}},
		{Index: 1, CPU: CPU{User: Duration(5 * time.Second), Wall: Duration(10 * time.Second), Cores: 2}},
	}, Roles: []Role{{Name: Pub, Histograms: map[string]*Histogram{SendDelay: Wrap(h)}, Clamped: map[string]int64{Ack: 2}}}}
	ws := r.Warnings()
	if len(ws) != 3 || ws[0].Code != ToolCPU || ws[0].Shard != 0 || ws[0].Value != 0.9 ||
		ws[1].Code != BehindSchedule || ws[2].Code != Clamped || ws[2].Value != 2 {
		t.Fatalf("warnings %+v", ws)
	}
}

func TestCSVOneRowPerClient(t *testing.T) {
	all := map[string]*latency.Recorder{Latency: latency.NewRecorder(1), Ack: latency.NewRecorder(1)}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, shardRun(t, 1, all)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		strings.Join(CSVHeader, ","),
		"pub,1,pub-1,1,900,90000,1000,90.0,9000.0,0,",
		"pub,3,pub-3,1,900,90000,1000,90.0,9000.0,1,publish-timeout=1",
		"sub,1,sub-1,1,3600,360000,4000,360.0,36000.0,0,",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("csv:\n%s\nwant:\n%s", buf.String(), strings.Join(want, "\n"))
	}
}

func TestReadRefusesAnotherVersion(t *testing.T) {
	if _, err := Read(strings.NewReader(`{"version": 2, "shards": [{}]}`)); err == nil {
		t.Fatal("version 2 read")
	}
	if _, err := Read(strings.NewReader(`{"version": 1, "shards": [{}], "roles": [{"name": "sub", "histograms": {"latency": "bm90IGhkcg=="}}]}`)); err == nil {
		t.Fatal("a broken histogram read")
	}
}

func TestTallyMessageAllocatesNothing(t *testing.T) {
	var tl Tally
	if n := testing.AllocsPerRun(1000, func() { tl.Message(100, true) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func TestReadRefusesAHistogramOfAnotherRange(t *testing.T) {
	other := hdr.New(1, 1000, 2)
	_ = other.RecordValue(5)
	b, err := other.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"version":1,"shards":[{}],"roles":[{"name":"sub","histograms":{"latency":"` + string(b) + `"}}]}`
	if _, err := Read(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "not one this mqtt writes") {
		t.Fatalf("a 1..1000 histogram read: %v", err)
	}
}
