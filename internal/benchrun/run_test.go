package benchrun

import (
	"context"
	"testing"
	"time"

	"mqtt/internal/bench/header"
	"mqtt/internal/bench/metrics"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/shard"
	"mqtt/internal/bench/template"
	"mqtt/internal/broker/brokertest"
	"mqtt/internal/message"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// options are a short run against an in-process broker.
func options(t *testing.T, s result.Settings) Options {
	t.Helper()
	b := brokertest.Start(t)
	s.Broker, s.Shards = "test", max(s.Shards, 1)
	if s.RunID == 0 {
		s.RunID = header.RunID(t.Name())
	}
	if s.PayloadSize == 0 {
		s.PayloadSize = 64
	}
	if s.Topic == "" {
		s.Topic = "bench/" + t.Name() + "/%i"
	}
	topic, err := template.Parse(s.Topic, template.Index, template.ClientID, template.Sequence)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := template.Parse(t.Name()+"-%i", template.Index)
	return Options{Settings: s, Shard: shard.Whole, Topic: topic, ClientID: id,
		Session: session.Options{Version: session.V311, Dial: b.Dialer(transport.TCP), CleanSession: true, KeepAlive: time.Minute}}
}

func mustRun(t *testing.T, o Options) *result.Result {
	t.Helper()
	out, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return out.Result
}

// A paced pairs run delivers every message of the count once, in order, and what was sent follows the
// schedule: the count the settings ask, spread over (count-1)/rate seconds.
func TestPairsAtAFixedRate(t *testing.T) {
	o := options(t, result.Settings{Scenario: PubSub, Shape: Pairs, Publishers: 2, Subscribers: 2, Rate: 400, Count: 200})
	var start time.Time
	o.OnStart = func(s time.Time) { start = s }
	var read func() []metrics.Role
	o.OnMetrics = func(f func() []metrics.Role) { read = f }
	r := mustRun(t, o)
	// What /metrics would serve: the same counts, and the latency histogram.
	if ro := read(); len(ro) != 2 || ro[0].Messages != 200 || ro[1].Messages != 200 || ro[1].Histograms[result.Latency].TotalCount() != 200 {
		t.Fatalf("metrics %+v", ro)
	}
	loss := r.Loss()
	if loss.Expected != 200 || loss.Distinct != 200 || loss.Lost != 0 || loss.Duplicates != 0 || loss.Reordered != 0 {
		t.Fatalf("delivery %+v, want 200 of 200 once, in order", loss)
	}
	pub := r.Role(result.Pub).Totals()
	if pub.Messages != 200 || r.Role(result.Sub).Totals().Messages != 200 {
		t.Fatalf("sent %d, received %d, want 200 each", pub.Messages, r.Role(result.Sub).Totals().Messages)
	}
	// The last message is intended (count-1)/rate after the start: the run cannot end before it.
	if min := start.Add(199 * time.Second / 400); r.End.Before(min.Truncate(time.Millisecond)) {
		t.Fatalf("ended %v, before the last message's intended time %v", r.End, min)
	}
	for _, m := range []string{result.Latency, result.LatencyRaw, result.SendDelay} {
		h := r.Roles[0].Histograms[m]
		if m != result.SendDelay {
			h = r.Role(result.Sub).Histograms[m]
		}
		if h == nil || h.TotalCount() != 200 {
			t.Fatalf("%s: want 200 samples, have %v", m, h)
		}
	}
	t.Logf("rate %.0f/s (target %.0f/s)", r.Rate(result.Pub), r.TargetRate())
}

// Fan-out: every subscriber receives every message; fan-in: the $share group receives each once.
func TestFanOutAndFanIn(t *testing.T) {
	for _, c := range []struct {
		shape        string
		received     uint64
		receivers    int
		wantExpected uint64
	}{{FanOut, 300, 3, 300}, {FanIn, 100, 1, 100}} {
		t.Run(c.shape, func(t *testing.T) {
			o := options(t, result.Settings{Scenario: PubSub, Shape: c.shape, Publishers: 2, Subscribers: 3,
				Count: 100, Topic: "bench/" + c.shape, PubQoS: 1, SubQoS: 1, Inflight: 10})
			o.Session.Version = session.V5 // $share
			r := mustRun(t, o)
			loss := r.Loss()
			if got := r.Role(result.Sub).Totals().Messages; got != c.received || loss.Lost != 0 || loss.Expected != c.wantExpected ||
				len(r.Role(result.Sub).Receivers) != c.receivers {
				t.Fatalf("received %d (want %d), delivery %+v, receivers %d", got, c.received, loss, len(r.Role(result.Sub).Receivers))
			}
			if ack := r.Role(result.Pub).Histograms[result.Ack]; ack == nil || ack.TotalCount() != 100 {
				t.Fatalf("ack latency: want 100 samples, have %v", ack)
			}
		})
	}
}

// A warm-up's messages are sent and received but not counted.
func TestWarmupIsNotCounted(t *testing.T) {
	o := options(t, result.Settings{Scenario: PubSub, Shape: Pairs, Publishers: 1, Subscribers: 1, Rate: 200,
		Count: 60, Warmup: result.Duration(100 * time.Millisecond)})
	r := mustRun(t, o)
	c := r.Role(result.Pub).Clients[0]
	// Messages 0..19 are intended before 100ms at 200/s: the warm-up.
	if c.Total != 60 || c.Messages != 40 {
		t.Fatalf("total %d, counted %d: want 60 and 40", c.Total, c.Messages)
	}
	if n := r.Role(result.Sub).Histograms[result.Latency].TotalCount(); n != 40 {
		t.Fatalf("latency samples %d, want 40", n)
	}
	if loss := r.Loss(); loss.Lost != 0 {
		t.Fatalf("delivery %+v", loss)
	}
}

// Shards of one run, each its own Run, merge into the counts of the whole.
func TestShardsMerge(t *testing.T) {
	base := options(t, result.Settings{Scenario: PubSub, Shape: Pairs, Publishers: 3, Subscribers: 3, Count: 90, Rate: 900, Shards: 2})
	var parts []*result.Result
	for i := range 2 {
		o := base
		o.Shard = shard.Shard{Index: i, Count: 2}
		parts = append(parts, mustRun(t, o))
	}
	if a, b := parts[0].Role(result.Pub).Totals().Messages, parts[1].Role(result.Pub).Totals().Messages; a != 60 || b != 30 {
		t.Fatalf("shards sent %d and %d, want 60 and 30 (publishers 0, 2 and 1)", a, b)
	}
	m, err := result.Merge(parts...)
	if err != nil {
		t.Fatal(err)
	}
	if loss := m.Loss(); loss.Expected != 90 || loss.Distinct != 90 || loss.Lost != 0 {
		t.Fatalf("merged delivery %+v", loss)
	}
	if n := m.Role(result.Sub).Histograms[result.Latency].TotalCount(); n != 90 {
		t.Fatalf("merged latency samples %d, want 90", n)
	}
}

// A conn run holds its connections and says what each costs.
func TestConnHolds(t *testing.T) {
	o := options(t, result.Settings{Scenario: Conn, Duration: result.Duration(50 * time.Millisecond), ConnectRate: 2000})
	o.Connections = 20
	out, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	ro := out.Result.Role(result.Conn)
	if out.Connected != 20 || ro.Totals().Messages != 20 || ro.Histograms[result.Connect].TotalCount() != 20 {
		t.Fatalf("connected %d, connects %d", out.Connected, ro.Totals().Messages)
	}
	if out.ConnMemory == 0 {
		t.Fatal("no memory per connection")
	}
}

// A message that is not the run's is an error of its own, not a sample.
func TestForeignMessagesAreCounted(t *testing.T) {
	o := options(t, result.Settings{Scenario: Sub, Subscribers: 1, Count: 1, Duration: result.Duration(5 * time.Second)})
	o.SubTopic = "foreign/#"
	o.Settings.RunID = 0
	pub := o.Session
	pub.ClientID = "foreign-pub"
	done := make(chan *result.Result)
	o.OnStart = func(time.Time) {
		go func() {
			s, err := session.Connect(context.Background(), pub)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Disconnect(context.Background(), nil)
			payload, _ := header.Payload(64, 7)
			now := time.Now().UnixNano()
			header.Put(payload, header.Header{Run: 7, Publisher: 0, Seq: 0, Intended: now, Sent: now})
			for _, p := range [][]byte{[]byte("hello"), payload} {
				if err := s.Publish(context.Background(), &message.Message{Topic: "foreign/x", Payload: p}); err != nil {
					t.Error(err)
				}
			}
			_ = s.Flush()
		}()
	}
	go func() { done <- mustRun(t, o) }()
	r := <-done
	c := r.Role(result.Sub).Clients[0]
	if c.Messages != 1 || c.Errors["short-payload"] != 1 {
		t.Fatalf("client %+v: want 1 message and 1 short-payload error", c)
	}
}
