package benchrun

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"time"

	"mqtt/internal/bench/cpuuse"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/session"
)

type connClient struct {
	i     int
	id    string
	tally result.Tally
	mu    sync.Mutex
	sess  session.Session
}

// runConn opens this shard's connections at the connect rate, holds them for the duration (closing and
// reopening each every Churn), and closes them. A connection that fails is counted, not fatal: how
// many a broker refuses is what a conn run is for.
func runConn(ctx context.Context, o *Options) (*Outcome, error) {
	cpu0, _ := cpuuse.Now()
	d := dialer{gate: newGate(o.Settings.ConnectRate), connect: latency.NewRecorder(0)}
	var clients []*connClient
	for i := range o.Shard.Clients(o.Connections) {
		id := "mqtt-bench-" + strconv.Itoa(i) + "-conn"
		if o.ClientID != nil {
			id = o.ClientID.For(i, "").Render(0) + "-conn"
		}
		clients = append(clients, &connClient{i: i, id: id})
	}
	before := heldMemory()
	began := time.Now()
	open := func(ctx context.Context, c *connClient) {
		so := o.Session
		so.ClientID = c.id
		s, err := d.dial(ctx, c.i, so)
		if err != nil {
			if ctx.Err() == nil {
				c.tally.Error(connectReason(err))
			}
			return
		}
		c.tally.Message(0, true)
		c.mu.Lock()
		c.sess = s
		c.mu.Unlock()
	}
	_ = each(ctx, len(clients), o.workers(), func(ctx context.Context, k int) error {
		open(ctx, clients[k])
		return nil
	})
	connected := time.Now()
	held := 0
	for _, c := range clients {
		if c.sess != nil {
			held++
		}
	}
	var perConn uint64
	if after := heldMemory(); held > 0 && after > before {
		perConn = (after - before) / uint64(held)
	}
	hold(ctx, o, clients, open)
	_ = each(context.WithoutCancel(ctx), len(clients), o.workers(), func(ctx context.Context, k int) error {
		c := clients[k]
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.sess != nil {
			_ = c.sess.Disconnect(ctx, nil)
			c.sess = nil
		}
		return nil
	})
	cpu1, _ := cpuuse.Now()
	role := result.Role{Name: result.Conn}
	for _, c := range clients {
		role.Clients = append(role.Clients, c.tally.Client(c.i, c.id, o.Shard.Index))
	}
	role.AddRecorder(result.Connect, d.connect)
	res := &result.Result{Version: result.Version, Settings: o.Settings,
		Shards: []result.Shard{{Index: o.Shard.Index, CPU: shardCPU(cpuuse.Since(cpu0, cpu1))}},
		Start:  began.UTC().Round(0), End: connected.UTC().Round(0), Roles: []result.Role{role}}
	return &Outcome{Result: res, ConnMemory: perConn, Connected: held}, nil
}

// hold keeps the connections for the run's duration; with churn, each is closed and opened again every
// Churn, spread over the period so the broker sees a steady stream of connects.
func hold(ctx context.Context, o *Options, clients []*connClient, open func(context.Context, *connClient)) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.Settings.Duration))
	defer cancel()
	if o.Churn <= 0 || len(clients) == 0 {
		<-ctx.Done()
		return
	}
	var wg sync.WaitGroup
	for k, c := range clients {
		offset := o.Churn * time.Duration(k) / time.Duration(len(clients))
		wg.Go(func() {
			t := time.NewTimer(offset)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				c.mu.Lock()
				if c.sess != nil {
					_ = c.sess.Disconnect(ctx, nil)
					c.sess = nil
				}
				c.mu.Unlock()
				open(ctx, c)
				t.Reset(o.Churn)
			}
		})
	}
	wg.Wait()
}

// heldMemory is what the Go runtime holds for live objects and goroutine stacks, after a collection.
func heldMemory() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

func connectReason(err error) string {
	var ce *session.ConnectError
	var nc *session.NoConnackError
	switch {
	case errors.As(err, &ce):
		return "connect-refused"
	case errors.As(err, &nc), errors.Is(err, context.DeadlineExceeded):
		return "connect-timeout"
	}
	return "connect-failed"
}
