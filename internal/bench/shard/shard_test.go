package shard

import (
	"math"
	"testing"
	"time"

	"mqtt/internal/bench/schedule"
)

func TestShardsCoverEveryClientOnceAndSumToTheRate(t *testing.T) {
	start := time.Unix(0, 0)
	for _, total := range []int{1, 2, 3, 7, 10, 100, 1001} {
		for n := 1; n <= 12; n++ {
			o := schedule.Options{Publishers: total, Rate: 12345, Count: 100_003}
			seen := make([]int, total)
			var rate float64
			var count int64
			clients := 0
			for i := range n {
				s := Shard{Index: i, Count: n}
				k := 0
				for c := range s.Clients(total) {
					if !s.Owns(c) {
						t.Fatalf("%v yields %d but does not own it", s, c)
					}
					seen[c]++
					k++
					count += o.PublisherCount(c)
					p := o.For(c, start)
					if p.Sent() != 0 {
						t.Fatal("fresh schedule has sent")
					}
				}
				if k != s.Len(total) {
					t.Fatalf("%v of %d: %d clients, Len says %d", s, total, k, s.Len(total))
				}
				clients += k
				rate += o.TargetRate() * s.Share(total)
			}
			for c, times := range seen {
				if times != 1 {
					t.Fatalf("%d clients in %d shards: client %d runs %d times", total, n, c, times)
				}
			}
			if clients != total || count != o.Count || math.Abs(rate-o.Rate) > 1e-6 {
				t.Fatalf("%d clients in %d shards: %d clients, %d messages, rate %g", total, n, clients, count, rate)
			}
		}
	}
}

func TestParse(t *testing.T) {
	if s, err := Parse("2/4"); err != nil || s != (Shard{2, 4}) {
		t.Fatalf("2/4: %v %v", s, err)
	}
	for _, bad := range []string{"4/4", "-1/4", "1/0", "1", "a/b", "1/2/3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		env  func(string) string
		want Shard
		ok   bool
	}{
		{env(), Whole, true},
		{env(IndexEnv, "3", CountEnv, "8"), Shard{3, 8}, true},
		{env(CountEnv, "8"), Shard{0, 8}, true},
		{env(IndexEnv, "3"), Shard{}, false},
		{env(IndexEnv, "8", CountEnv, "8"), Shard{}, false},
		{env(IndexEnv, "x", CountEnv, "8"), Shard{}, false},
	}
	for i, c := range cases {
		s, err := FromEnv(c.env)
		if (err == nil) != c.ok || s != c.want {
			t.Errorf("case %d: %v %v, want %v ok=%v", i, s, err, c.want, c.ok)
		}
	}
}

func TestParseStartAt(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, loc)
	cases := map[string]time.Time{
		"2026-12-01T10:00:00Z":        time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		"2026-12-01T10:00:00.5+01:00": time.Date(2026, 12, 1, 10, 0, 0, 5e8, loc),
		"@1764583200":                 time.Unix(1764583200, 0),
		"+30s":                        now.Add(30 * time.Second),
		"11:00":                       time.Date(2026, 12, 1, 11, 0, 0, 0, loc),
		"10:15:30":                    time.Date(2026, 12, 2, 10, 15, 30, 0, loc), // passed today: tomorrow
	}
	for in, want := range cases {
		got, err := ParseStartAt(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "@x", "+-1s", "25:00"} {
		if _, err := ParseStartAt(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
