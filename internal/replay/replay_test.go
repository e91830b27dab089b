package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
)

// line is one recorded message with its receive time in nanoseconds after base.
func line(topic, payload string, ns int64) string {
	return fmt.Sprintf(`{"topic":%q,"payload":%q,"qos":1,"retain":false,"time_ns":%d}`+"\n", topic, payload, base+ns)
}

const base = 1_704_402_245_000_000_000

// sent is what publish saw: the topic, the payload and when (since the replay started) on the clock.
type sent struct {
	topic, payload string
	at             time.Duration
}

func run(t *testing.T, rec string, o Options, cost func(i int) time.Duration) ([]sent, Result, error) {
	t.Helper()
	clock := newFakeClock()
	o.Clock = clock
	start := clock.now
	var got []sent
	pub := func(ctx context.Context, m *message.Message) error {
		got = append(got, sent{m.Topic, string(m.Payload), clock.now.Sub(start)})
		if cost != nil {
			clock.now = clock.now.Add(cost(len(got) - 1))
		}
		return nil
	}
	res, err := Replay(context.Background(), strings.NewReader(rec), pub, o)
	return got, res, err
}

func ats(s []sent) []time.Duration {
	var d []time.Duration
	for _, x := range s {
		d = append(d, x.at)
	}
	return d
}

func TestReplayKeepsRecordedGaps(t *testing.T) {
	ms := int64(time.Millisecond)
	rec := line("a", "1", 0) + line("b", "2", 100*ms) + line("a", "3", 350*ms) + line("c", "4", 351*ms+7) + line("a", "5", 5000*ms)
	for _, tc := range []struct {
		speed float64
		want  []time.Duration
	}{
		{1, []time.Duration{0, 100 * time.Millisecond, 350 * time.Millisecond, 351*time.Millisecond + 7, 5 * time.Second}},
		{10, []time.Duration{0, 10 * time.Millisecond, 35 * time.Millisecond, 35100000, 500 * time.Millisecond}},
		{0.5, []time.Duration{0, 200 * time.Millisecond, 700 * time.Millisecond, 702*time.Millisecond + 14, 10 * time.Second}},
		{0, []time.Duration{0, 0, 0, 0, 0}},
	} {
		got, res, err := run(t, rec, Options{Speed: tc.speed}, nil)
		if err != nil || res.Published != 5 || res.Passes != 1 {
			t.Fatalf("speed %v: %v %+v", tc.speed, err, res)
		}
		if fmt.Sprint(ats(got)) != fmt.Sprint(tc.want) {
			t.Errorf("speed %v: published at %v, want %v", tc.speed, ats(got), tc.want)
		}
		if got[2].topic != "a" || got[2].payload != "3" {
			t.Errorf("order lost: %+v", got)
		}
	}
}

// A slow publish makes the messages behind it late, never the whole rest of the schedule: each is due at
// start + offset, not at the previous publish + gap.
func TestReplayDoesNotDrift(t *testing.T) {
	ms := int64(time.Millisecond)
	var rec string
	for i := range 10 {
		rec += line("t", fmt.Sprint(i), int64(i)*100*ms)
	}
	cost := func(i int) time.Duration {
		if i == 2 {
			return 250 * time.Millisecond // a stall: messages 3 and 4 are late, 5 is on time again
		}
		return 3 * time.Millisecond
	}
	got, res, err := run(t, rec, Options{Speed: 1}, cost)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{0, 100, 200, 450, 453, 500, 600, 700, 800, 900}
	for i, w := range want {
		if got[i].at != w*time.Millisecond {
			t.Errorf("message %d at %v, want %v", i, got[i].at, w*time.Millisecond)
		}
	}
	if res.MaxLate != 150*time.Millisecond {
		t.Errorf("MaxLate %v", res.MaxLate)
	}
}

func TestReplayTimeFallbacks(t *testing.T) {
	rec := `{"topic":"a","payload":"x","time":"2024-01-04T21:04:05.000000Z"}
{"topic":"b","payload":"x"}
{"topic":"c","payload":"x","time":"2024-01-04T21:04:05.250000Z"}
{"topic":"d","payload":"x","time_ns":"1704402245500000001","time":"2000-01-01T00:00:00Z"}
`
	got, _, err := run(t, rec, Options{Speed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{0, 0, 250 * time.Millisecond, 500*time.Millisecond + 1}
	if fmt.Sprint(ats(got)) != fmt.Sprint(want) {
		t.Errorf("at %v, want %v", ats(got), want)
	}
	// Records before the first time are due at the start, not at the Unix epoch's distance from it.
	got, _, _ = run(t, "{\"topic\":\"a\"}\n"+line("b", "", 0)+line("c", "", int64(time.Second)), Options{Speed: 1}, nil)
	if fmt.Sprint(ats(got)) != fmt.Sprint([]time.Duration{0, 0, time.Second}) {
		t.Errorf("untimed first record: %v", ats(got))
	}
}

// pipe hides the reader's Seek, as a pipe has none.
type pipe struct{ io.Reader }

func TestReplayLoop(t *testing.T) {
	ms := int64(time.Millisecond)
	rec := line("a", "1", 0) + line("b", "2", 40*ms) + line("c", "3", 30*ms)
	for _, name := range []string{"file", "pipe"} {
		clock := newFakeClock()
		start := clock.now
		var got []string
		ctx, cancel := context.WithCancel(context.Background())
		pub := func(_ context.Context, m *message.Message) error {
			got = append(got, fmt.Sprintf("%s@%v", m.Payload, clock.now.Sub(start)))
			if len(got) == 7 {
				cancel()
			}
			return nil
		}
		var r io.Reader = bytes.NewReader([]byte("\n" + rec))
		if name == "pipe" {
			r = pipe{r}
		}
		res, err := Replay(ctx, r, pub, Options{Speed: 1, Loop: true, Clock: clock})
		if !errors.Is(err, context.Canceled) || res.Passes != 3 || res.Published != 7 {
			t.Fatalf("%s: %v %+v", name, err, res)
		}
		// Each pass starts with the latest message of the one before (40 ms), and a late record (c, 30 ms,
		// after b at 40) goes at once.
		want := "[1@0s 2@40ms 3@40ms 1@40ms 2@80ms 3@80ms 1@80ms]"
		if fmt.Sprint(got) != want {
			t.Errorf("%s: %v, want %s", name, got, want)
		}
	}
}

func TestReplayLoopOfNothingEnds(t *testing.T) {
	_, res, err := run(t, line("a", "1", 0), Options{Loop: true, Filter: func(*message.Message) bool { return false }}, nil)
	if err != nil || res.Passes != 1 || res.Filtered != 1 || res.Published != 0 {
		t.Errorf("%v %+v", err, res)
	}
	_, res, err = run(t, "", Options{Loop: true}, nil)
	if err != nil || res.Passes != 1 {
		t.Errorf("%v %+v", err, res)
	}
}

func TestReplayFilterSeesRecordedTopic(t *testing.T) {
	rec := line("home/kitchen/t", "1", 0) + line("home/hall/t", "2", 1) + line("office/t", "3", 2)
	var seen []string
	o := Options{
		Rewrite: &Rewrite{Maps: []TopicMap{{Old: "home", New: "flat"}}, Prefix: "replay"},
		Filter: func(m *message.Message) bool {
			seen = append(seen, m.Topic)
			return !strings.Contains(m.Topic, "hall")
		},
	}
	got, res, err := run(t, rec, o, nil)
	if err != nil || res.Filtered != 1 {
		t.Fatal(err, res)
	}
	if fmt.Sprint(seen) != "[home/kitchen/t home/hall/t office/t]" {
		t.Errorf("filter saw %v", seen)
	}
	if len(got) != 2 || got[0].topic != "replay/flat/kitchen/t" || got[1].topic != "replay/office/t" {
		t.Errorf("published %+v", got)
	}
}

func TestReplayFlushBeforeWaiting(t *testing.T) {
	ms := int64(time.Millisecond)
	rec := line("a", "1", 0) + line("a", "2", 0) + line("a", "3", 10*ms)
	var events []string
	clock := newFakeClock()
	o := Options{Speed: 1, Clock: clock, Flush: func(context.Context) error {
		events = append(events, "flush")
		return nil
	}}
	pub := func(_ context.Context, m *message.Message) error {
		events = append(events, string(m.Payload))
		return nil
	}
	if _, err := Replay(context.Background(), strings.NewReader(rec), pub, o); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(events) != "[1 2 flush 3 flush]" {
		t.Errorf("%v", events)
	}
}

func TestReplayStopsAtBadLine(t *testing.T) {
	rec := line("a", "1", 0) + "\n" + `{"topic":"b","qos":3}` + "\n" + line("c", "3", 0)
	got, res, err := run(t, rec, Options{}, nil)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, ErrQoS) || err.Error() != `line 3: "qos" must be 0, 1 or 2` {
		t.Fatalf("err %v", err)
	}
	if len(got) != 1 || res.Published != 1 {
		t.Errorf("published %v before the bad line", got)
	}
	pubErr := errors.New("broker gone")
	_, err = Replay(context.Background(), strings.NewReader(rec), func(context.Context, *message.Message) error { return pubErr }, Options{})
	if err != pubErr {
		t.Errorf("publish error: %v", err)
	}
}

func TestReplayRefusesBadOptions(t *testing.T) {
	for _, o := range []Options{{Speed: -1}, {Rewrite: &Rewrite{Prefix: "a/#"}}, {Rewrite: &Rewrite{Maps: []TopicMap{{}}}}} {
		if _, err := Replay(context.Background(), strings.NewReader(""), nil, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestOutgoingDropsConnectionProperties(t *testing.T) {
	alias := uint16(3)
	rec := `{"topic":"p","payload":"x","properties":{"content-type":"c","subscription-identifier":[4],"topic-alias":3,"user-property":[["k","v"]]}}` + "\n"
	r := NewReader(strings.NewReader(rec), 0)
	got, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Message.Props; p.TopicAlias == nil || *p.TopicAlias != alias || len(p.SubscriptionIDs) != 1 {
		t.Fatalf("recorded properties lost: %+v", p)
	}
	out := outgoing(&got.Message)
	if p := out.Props; p.TopicAlias != nil || p.SubscriptionIDs != nil || p.ContentType != "c" || len(p.User) != 1 {
		t.Errorf("sent properties %+v", p)
	}
	if got.Message.Props.TopicAlias == nil {
		t.Error("the record was changed")
	}
}
