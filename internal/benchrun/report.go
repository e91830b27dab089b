package benchrun

import (
	"context"
	"sync"
	"time"

	"mqtt/internal/bench/cpuuse"

	"mqtt/internal/bench/result"
	"mqtt/internal/bench/summary"
)

// result is the run as data.
func (r *run) result(start time.Time, cpu cpuuse.Span) *result.Result {
	counted := start.Add(time.Duration(r.s.Warmup))
	end := counted
	res := &result.Result{Version: result.Version, Settings: r.s,
		Shards: []result.Shard{{Index: r.o.Shard.Index, CPU: shardCPU(cpu)}}}
	if len(r.pubs) > 0 || r.s.Scenario != Sub {
		pub := result.Role{Name: result.Pub}
		for _, c := range r.pubs {
			pub.Clients = append(pub.Clients, c.tally.Client(c.g, c.id, r.o.Shard.Index))
			end = later(end, c.src.last)
		}
		pub.AddRecorder(result.Ack, r.ack)
		pub.AddRecorder(result.SendDelay, r.delay)
		pub.AddRecorder(result.Connect, r.pubDial.connect)
		res.Roles = append(res.Roles, pub)
	}
	if len(r.subs) > 0 {
		sub := result.Role{Name: result.Sub}
		for _, c := range r.subs {
			sub.Clients = append(sub.Clients, c.tally.Client(c.i, c.id, r.o.Shard.Index))
			if c.cons.last > 0 {
				end = later(end, time.Unix(0, c.cons.last))
			}
		}
		for _, u := range r.units {
			sub.Receivers = append(sub.Receivers, result.Receiver{Name: u.name, Expect: u.streams.Expect(), Counts: u.streams.Counts()})
		}
		sub.AddRecorder(result.Latency, r.e2e)
		sub.AddRecorder(result.LatencyRaw, r.raw)
		sub.AddRecorder(result.Connect, r.subDial.connect)
		res.Roles = append(res.Roles, sub)
	}
	res.Start, res.End = r.wall(counted), r.wall(end)
	return res
}

// wall is t on the header clock, as a wall time without its monotonic reading (as JSON keeps it).
func (r *run) wall(t time.Time) time.Time { return time.Unix(0, r.clock.Ns(t)).UTC() }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func shardCPU(s cpuuse.Span) result.CPU {
	return result.CPU{User: result.Duration(s.User), Sys: result.Duration(s.Sys), Wall: result.Duration(s.Wall), Cores: s.Cores}
}

// tick calls OnTick once a second until the returned function is called.
func (r *run) tick(ctx context.Context, start time.Time) (stop func()) {
	if r.o.OnTick == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				r.o.OnTick(r.snapshot(now, start))
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

func (r *run) snapshot(now, start time.Time) (summary.Snapshot, int64) {
	s := summary.Snapshot{At: now, Elapsed: now.Sub(start)}
	for _, c := range r.pubs {
		_, _, total, errs := c.tally.Counts()
		s.Sent += total
		s.Errors += errs
	}
	for _, c := range r.subs {
		_, _, total, errs := c.tally.Counts()
		s.Received += total
		s.Errors += errs
	}
	for _, u := range r.units {
		s.Missing += u.streams.Counts().Missing
	}
	if len(r.subs) > 0 {
		s.Latency, _ = r.e2e.Snapshot()
	}
	done := int64(s.Elapsed / time.Second)
	if r.s.Count > 0 {
		done = int64(s.Sent)
		if r.s.Scenario == Sub {
			done = int64(s.Received)
		}
	}
	return s, done
}
