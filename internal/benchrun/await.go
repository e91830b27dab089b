package benchrun

import (
	"context"
	"time"
)

// await waits for the messages still on their way: until every receiver has all it expects, nothing
// new arrived for Quiet, Drain has passed since the publishers ended, or ctx ends. A sub run receives
// until its count or duration.
func (r *run) await(ctx context.Context, start time.Time) {
	if len(r.subs) == 0 {
		return
	}
	if r.s.Scenario == Sub {
		r.awaitSub(ctx, start)
		return
	}
	r.setWants()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(r.o.drain())
	last, lastChange := r.received(), time.Now()
	for {
		if r.allIn() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if n := r.received(); n != last {
				last, lastChange = n, now
			}
			if now.After(deadline) || now.Sub(lastChange) >= r.o.quiet() {
				return
			}
		}
	}
}

func (r *run) awaitSub(ctx context.Context, start time.Time) {
	var end <-chan time.Time
	if r.s.Duration > 0 {
		t := time.NewTimer(time.Until(start.Add(time.Duration(r.s.Duration))))
		defer t.Stop()
		end = t.C
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if r.s.Count > 0 && r.received() >= uint64(r.s.Count)*uint64(len(r.subs)) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-end:
			return
		case <-tick.C:
		}
	}
}

// setWants works out what each receiver expects, from what the publishers of this process sent; a
// receiver that expects publishers of other shards has no want, and waits for quiet.
func (r *run) setWants() {
	sent := map[int]uint64{}
	for _, c := range r.pubs {
		_, _, total, _ := c.tally.Counts()
		sent[c.g] = total
	}
	for _, u := range r.units {
		var want uint64
		if u.pubs == nil && r.s.Shards > 1 {
			continue
		}
		for g, n := range sent {
			if u.pubs == nil || g == u.pubs[0] {
				want += n
			}
		}
		u.target.want = want
	}
}

func (r *run) allIn() bool {
	for _, u := range r.units {
		if u.target.want == 0 || u.target.got.Load() < u.target.want {
			return false
		}
	}
	return true
}

func (r *run) received() uint64 {
	var n uint64
	for _, c := range r.subs {
		_, _, total, _ := c.tally.Counts()
		n += total
	}
	return n
}

func (r *run) closeSubs(ctx context.Context) {
	_ = each(context.WithoutCancel(ctx), len(r.subs), r.o.workers(), func(ctx context.Context, k int) error {
		c := r.subs[k]
		if c.sess != nil {
			c.recv.Close(ctx, c.sess)
			c.sess = nil
		}
		return nil
	})
}

// closeAll drops what is still connected when a run ends early.
func (r *run) closeAll() {
	for _, c := range r.pubs {
		if c.sess != nil {
			_ = c.sess.Disconnect(context.Background(), nil)
		}
	}
	for _, c := range r.subs {
		if c.sess != nil {
			_ = c.sess.Disconnect(context.Background(), nil)
		}
	}
}
