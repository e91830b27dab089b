// Package shard splits one benchmark run over N processes that never talk to each other (the pods of a
// Kubernetes Indexed Job, say). Shard i of N runs the clients whose index in the whole run is i modulo N, so
// every client runs exactly once, a pair's publisher and subscriber (same index) land in the same shard, and
// each shard's publishers stay spread over the schedule's period. Client ids come from the global index, so
// they are unique across shards; a shard's rate is its publishers' share of the run's (schedule.Options
// always describes the whole run). The shards start together at a time they are all given (ParseStartAt).
package shard

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
)

// The environment a shard reads its place from when none is given: Kubernetes sets IndexEnv in every pod of
// an Indexed Job; CountEnv is ours, set in the Job's template to its completions.
const (
	IndexEnv = "JOB_COMPLETION_INDEX"
	CountEnv = "MQTT_BENCH_SHARDS"
)

// Shard is one process's place in the run: Index from 0, of Count.
type Shard struct {
	Index, Count int
}

// Whole is the run in one process.
var Whole = Shard{Index: 0, Count: 1}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Parse reads "i/N" (0 <= i < N).
func Parse(text string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(text), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want INDEX/COUNT, like 0/4", text)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want INDEX/COUNT, like 0/4", text)
	}
	return check(Shard{Index: i, Count: n}, text)
}

func check(s Shard, text string) (Shard, error) {
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return Shard{}, fmt.Errorf("shard %q: the index counts from 0 and must be below the count (%d)", text, s.Count)
	}
	return s, nil
}

// FromEnv reads the shard from IndexEnv and CountEnv. Neither set is Whole; one without the other is an
// error, since a pod that guessed its share would run the wrong clients.
func FromEnv(getenv func(string) string) (Shard, error) {
	is, ns := getenv(IndexEnv), getenv(CountEnv)
	switch {
	case is == "" && ns == "":
		return Whole, nil
	case ns == "":
		return Shard{}, fmt.Errorf("%s is %q but %s is not set: set it to the Job's completions", IndexEnv, is, CountEnv)
	case is == "":
		is = "0"
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%s=%q %s=%q: want whole numbers", IndexEnv, is, CountEnv, ns)
	}
	return check(Shard{Index: i, Count: n}, is+"/"+ns)
}

// Owns reports whether the client with global index i runs in this shard.
func (s Shard) Owns(i int) bool { return i%s.Count == s.Index }

// Len is how many of total clients run in this shard.
func (s Shard) Len(total int) int {
	if total <= s.Index {
		return 0
	}
	return (total-s.Index-1)/s.Count + 1
}

// Clients yields the global indexes of this shard's clients among total, in order.
func (s Shard) Clients(total int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := s.Index; i < total; i += s.Count {
			if !yield(i) {
				return
			}
		}
	}
}

// Share is the fraction of a role's total clients (and so of its rate and count) that run in this shard.
func (s Shard) Share(total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(s.Len(total)) / float64(total)
}

// ParseStartAt reads the time shards start together:
//
//	2026-12-01T10:00:00Z   RFC 3339, with or without fractions of a second
//	@1764583200            Unix seconds
//	10:00 or 10:00:30      the next time the clock shows it, in now's location
//	+30s                   a duration from now (for one process; shards started apart would not agree)
func ParseStartAt(text string, now time.Time) (time.Time, error) {
	text = strings.TrimSpace(text)
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	if rest, ok := strings.CutPrefix(text, "@"); ok {
		sec, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("start time %q: want Unix seconds after @", text)
		}
		return time.Unix(sec, 0), nil
	}
	if rest, ok := strings.CutPrefix(text, "+"); ok {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return time.Time{}, fmt.Errorf("start time %q: want a duration after +, like +30s", text)
		}
		return now.Add(d), nil
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if c, err := time.Parse(layout, text); err == nil {
			y, m, d := now.Date()
			t := time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, now.Location())
			if !t.After(now) {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("start time %q: want RFC 3339 (2026-12-01T10:00:00Z), @UNIX-SECONDS, HH:MM[:SS] or +DURATION", text)
}
