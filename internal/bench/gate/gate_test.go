package gate

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/seqtrack"
)

func TestParse(t *testing.T) {
	cases := []struct {
		expr string
		want []Gate
	}{
		{"p99<20ms", []Gate{{Text: "p99<20ms", Metric: "p99", Op: "<", Value: 20000, Kind: Latency}}},
		{"p99.9 <= 1.5s", []Gate{{Text: "p99.9 <= 1.5s", Metric: "p99.9", Op: "<=", Value: 1.5e6, Kind: Latency}}},
		{"ack.p99<250us,raw.max<1ms", []Gate{
			{Text: "ack.p99<250us", Metric: "ack.p99", Op: "<", Value: 250, Kind: Latency},
			{Text: "raw.max<1ms", Metric: "raw.max", Op: "<", Value: 1000, Kind: Latency}}},
		{"connect.p50<10µs", []Gate{{Text: "connect.p50<10µs", Metric: "connect.p50", Op: "<", Value: 10, Kind: Latency}}},
		{"loss==0, rate>=0.98", []Gate{
			{Text: "loss==0", Metric: "loss", Op: "==", Value: 0, Kind: Fraction},
			{Text: "rate>=0.98", Metric: "rate", Op: ">=", Value: 0.98, Kind: Fraction}}},
		{"loss<0.1%", []Gate{{Text: "loss<0.1%", Metric: "loss", Op: "<", Value: 0.001, Kind: Fraction}}},
		{"errors!=3", []Gate{{Text: "errors!=3", Metric: "errors", Op: "!=", Value: 3, Kind: Number}}},
		{"p50>0", []Gate{{Text: "p50>0", Metric: "p50", Op: ">", Value: 0, Kind: Latency}}},
	}
	for _, c := range cases {
		got, err := Parse(c.expr)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %d gates, want %d", c.expr, len(got), len(c.want))
			continue
		}
		for i := range got {
			if got[i] != c.want[i] && math.Abs(got[i].Value-c.want[i].Value) > 1e-9 {
				t.Errorf("%q gate %d: %+v, want %+v", c.expr, i, got[i], c.want[i])
			}
		}
	}
}

func TestParseErrorsNameTheColumn(t *testing.T) {
	cases := []struct {
		expr string
		col  int
		msg  string
	}{
		{"p99<20", 5, "needs a unit"},
		{"p99<20ms,loss=0", 14, "not an operator"},
		{"p99<20ms, p98<1ms", 11, "unknown metric \"p98\""},
		{"p99<20ms,,loss==0", 10, "empty gate"},
		{"rate>=fast", 7, "not a fraction"},
		{"loss", 5, "no operator"},
		{"<1ms", 1, "no metric"},
		{"errors<", 8, "no value"},
		{"ack.median<1ms", 1, "unknown metric"},
		{"p99 <  twenty", 8, "not a duration"},
	}
	for _, c := range cases {
		_, err := Parse(c.expr)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: %v, want a ParseError", c.expr, err)
			continue
		}
		if pe.Col != c.col || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: column %d %q, want column %d containing %q", c.expr, pe.Col, pe.Msg, c.col, c.msg)
		}
	}
}

func run() *result.Result {
	lat := latency.NewRecorder(1)
	for i := range 1000 {
		lat.Record(0, time.Duration(i+1)*10*time.Microsecond) // 10µs..10ms
	}
	h, _ := lat.Snapshot()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &result.Result{
		Settings: result.Settings{Publishers: 1, Rate: 100},
		Shards:   []result.Shard{{CPU: result.CPU{User: result.Duration(time.Second), Wall: result.Duration(10 * time.Second), Cores: 2}}},
		Start:    start, End: start.Add(10 * time.Second),
		Roles: []result.Role{
			{Name: result.Pub, Clients: []result.Client{{Index: 0, Messages: 990, Total: 1000, Errors: map[string]uint64{"x": 2}}}},
			{Name: result.Sub, Clients: []result.Client{{Index: 0, Messages: 980}},
				Receivers:  []result.Receiver{{Expect: seqtrack.Expect{All: true}, Counts: seqtrack.Counts{Distinct: 995, Received: 996, Duplicates: 1}}},
				Histograms: map[string]*result.Histogram{result.Latency: result.Wrap(h)}},
		},
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		expr   string
		pass   bool
		known  bool
		actual float64
	}{
		{"p99<20ms", true, true, 9900},
		{"p99<5ms", false, true, 9900},
		{"p50>=5ms", true, true, 5000},
		{"max<=10.01ms", true, true, 10000},
		{"loss==0", false, true, 0.005},
		{"loss<1%", true, true, 0.005},
		{"lost==5", true, true, 5},
		{"dups<=1", true, true, 1},
		{"reorder==0", true, true, 0},
		{"errors==0", false, true, 2},
		{"rate>=0.98", true, true, 0.99},
		{"rate>=99.5%", false, true, 0.99},
		{"msgs>90", true, true, 99},
		{"recv>=98", true, true, 98},
		{"cpu<0.1", true, true, 0.05},
		{"ack.p99<1s", false, false, 0}, // QoS 0: no ack data, so the gate fails
	}
	r := run()
	for _, c := range cases {
		gates, err := Parse(c.expr)
		if err != nil {
			t.Fatalf("%q: %v", c.expr, err)
		}
		o := Evaluate(gates, r)[0]
		// HDR values are within 0.1% (3 digits) of what was recorded.
		if o.Pass != c.pass || o.Known != c.known || math.Abs(o.Actual-c.actual) > 1e-3*c.actual+1e-9 {
			t.Errorf("%q: pass %v known %v actual %g; want %v %v %g", c.expr, o.Pass, o.Known, o.Actual, c.pass, c.known, c.actual)
		}
	}
	gates, _ := Parse("p99<20ms,loss<1%")
	if !Passed(Evaluate(gates, r)) {
		t.Fatal("two passing gates do not pass")
	}
	gates, _ = Parse("p99<20ms,errors==0")
	if Passed(Evaluate(gates, r)) {
		t.Fatal("a failing gate passes")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p99<20ms,loss==0,rate>=0.98", "ack.p99.9 != 3s", "loss<1%", ",,", "p99<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		gates, err := Parse(expr)
		if err == nil {
			Evaluate(gates, run())
		}
	})
}
