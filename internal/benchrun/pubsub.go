package benchrun

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"mqtt/internal/bench/cpuuse"
	"mqtt/internal/bench/header"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/schedule"
	"mqtt/internal/bench/seqtrack"
	"mqtt/internal/message"
	"mqtt/internal/publish"
	"mqtt/internal/receive"
	"mqtt/internal/session"
)

// drainAfterStop bounds the wait for acknowledgements once the run was interrupted.
const drainAfterStop = 5 * time.Second

// readBatch is the longest a message waits to be read with the next in an unpaced run (session.Options).
const readBatch = time.Millisecond

// anyPublisher bounds the publisher index a sub run accepts when it is not told how many there are
// (--pubs): each subscriber keeps a slot per publisher, 8 bytes each until that publisher is seen.
const anyPublisher = 1 << 12

type pubClient struct {
	g      int
	id     string
	tally  result.Tally
	src    source
	sess   session.Session
	report publish.Report
}

type subClient struct {
	i      int
	id     string
	filter string
	tally  result.Tally
	cons   consumer
	recv   *receive.Receiver
	sess   session.Session
}

// receiverUnit is one loss-accounting unit: a subscriber, or a $share group's members together.
type receiverUnit struct {
	name    string
	streams *seqtrack.Streams
	target  *target
	pubs    []int // the publishers it expects (nil: all)
}

type run struct {
	o       *Options
	s       result.Settings
	sched   schedule.Options
	clock   header.Clock
	warmEnd atomic.Int64

	pubDial, subDial     dialer
	ack, delay, e2e, raw *latency.Recorder
	pubs                 []*pubClient
	subs                 []*subClient
	units                []*receiverUnit
}

// Run runs o's scenario and returns its outcome. A client that cannot connect or subscribe ends the run
// with its error; what goes wrong once it runs is counted in the result, by reason.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Settings.Scenario == Conn {
		return runConn(ctx, &o)
	}
	cpu0, _ := cpuuse.Now()
	r := &run{o: &o, s: o.Settings, sched: o.Settings.Schedule(), clock: header.NewClock(time.Now()),
		ack: latency.NewRecorder(0), delay: latency.NewRecorder(0), e2e: latency.NewRecorder(0), raw: latency.NewRecorder(0)}
	connectGate := newGate(r.s.ConnectRate)
	r.pubDial = dialer{gate: connectGate, connect: latency.NewRecorder(0)}
	r.subDial = dialer{gate: connectGate, connect: latency.NewRecorder(0)}
	r.warmEnd.Store(1<<63 - 1) // nothing counts before the start is known
	defer r.closeAll()
	if err := r.connectSubs(ctx); err != nil {
		return nil, err
	}
	if err := r.connectPubs(ctx); err != nil {
		return nil, err
	}
	if o.OnMetrics != nil {
		o.OnMetrics(r.metrics)
	}
	start := time.Now()
	if !o.Start.IsZero() {
		if err := (&schedule.Waiter{}).Until(ctx, o.Start); err != nil {
			return nil, err
		}
		start = o.Start
	}
	r.warmEnd.Store(r.clock.Ns(start.Add(time.Duration(r.s.Warmup))))
	if o.OnStart != nil {
		o.OnStart(start)
	}
	stopTicks := r.tick(ctx, start)
	r.publish(ctx, start)
	r.await(ctx, start)
	stopTicks()
	r.closeSubs(ctx)
	cpu1, _ := cpuuse.Now()
	return &Outcome{Result: r.result(start, cpuuse.Since(cpu0, cpu1))}, nil
}

// name is client index i's id in role (the role is appended, so a pair's two ends differ).
func (r *run) name(i int, role string) string {
	if r.o.ClientID == nil {
		return fmt.Sprintf("mqtt-bench-%d-%s", i, role)
	}
	return r.o.ClientID.For(i, "").Render(0) + "-" + role
}

func (r *run) readers() int {
	if r.s.Publishers > 0 {
		return r.s.Publishers
	}
	return anyPublisher
}

func (r *run) connectSubs(ctx context.Context) error {
	if r.s.Scenario == Pub {
		return nil
	}
	var share *receiverUnit
	for i := range r.o.Shard.Clients(r.s.Subscribers) {
		c := &subClient{i: i, id: r.name(i, "sub")}
		unit := share
		switch {
		case r.s.Scenario == Sub:
			c.filter = r.o.SubTopic
			if c.filter == "" {
				c.filter = r.o.Topic.For(0, "").Render(0)
			}
		case r.s.Shape == Pairs:
			c.filter = r.o.Topic.For(i, r.name(i, "pub")).Render(0)
		default:
			c.filter = r.o.Topic.For(0, "").Render(0)
			if r.s.Shape == FanIn {
				c.filter = "$share/" + ShareGroup + "/" + c.filter
			}
		}
		if unit == nil {
			expect := seqtrack.Expect{All: true}
			var pubs []int
			if r.s.Scenario == PubSub && r.s.Shape == Pairs {
				pubs = []int{i}
				expect = seqtrack.Expect{Publishers: pubs}
			}
			name := c.id
			if r.s.Shape == FanIn && r.s.Scenario == PubSub {
				name = "$share/" + ShareGroup
			}
			unit = &receiverUnit{name: name, pubs: pubs, target: &target{},
				streams: seqtrack.NewStreams(seqtrack.Options{Publishers: r.readers(), Expect: expect})}
			r.units = append(r.units, unit)
			if r.s.Shape == FanIn && r.s.Scenario == PubSub {
				share = unit
			}
		}
		c.cons = consumer{key: i, reader: header.Reader{Run: r.s.RunID, Publishers: r.readers()},
			anyRun: r.s.Scenario == Sub && r.s.RunID == 0, clock: r.clock, streams: unit.streams, tally: &c.tally,
			e2e: r.e2e, raw: r.raw, warmEnd: &r.warmEnd, delay: r.o.SubDelay, target: unit.target}
		c.recv = receive.New(receive.Options{
			Subscriptions: []session.Subscription{{Filter: c.filter, QoS: byte(r.s.SubQoS)}},
			Consumer:      &c.cons,
		})
		r.subs = append(r.subs, c)
	}
	return each(ctx, len(r.subs), r.o.workers(), func(ctx context.Context, k int) error {
		c := r.subs[k]
		so := r.o.Session
		so.ClientID, so.OnMessage, so.OnIdle = c.id, c.recv.Message, c.recv.Idle
		if r.s.Scenario == PubSub && !r.sched.Paced() {
			// Unpaced, a run measures throughput, and its latency is the broker's queue: reading in
			// batches up to a millisecond apart leaves the CPU a wakeup per message would take to the
			// broker on the same machine. A paced run reads each message as it comes, for exact latency.
			so.ReadBatch = readBatch
		}
		s, err := r.subDial.dial(ctx, c.i, so)
		if err != nil {
			return &ClientError{ID: c.id, Err: err}
		}
		c.sess = s
		if err := c.recv.Subscribe(ctx, s); err != nil {
			return &ClientError{ID: c.id, Subscribing: true, Err: err}
		}
		return nil
	})
}

func (r *run) connectPubs(ctx context.Context) error {
	if r.s.Scenario == Sub {
		return nil
	}
	for g := range r.o.Shard.Clients(r.s.Publishers) {
		c := &pubClient{g: g, id: r.name(g, "pub")}
		payload, err := header.Payload(r.s.PayloadSize, r.s.RunID)
		if err != nil {
			return err
		}
		c.src = source{g: g, run: r.s.RunID, paced: r.sched.Paced(), clock: r.clock, payload: payload,
			topic: r.o.Topic.For(g, c.id), tally: &c.tally, delay: r.delay}
		r.pubs = append(r.pubs, c)
	}
	return each(ctx, len(r.pubs), r.o.workers(), func(ctx context.Context, k int) error {
		c := r.pubs[k]
		so := r.o.Session
		so.ClientID = c.id
		if r.s.Inflight > 0 {
			so.MaxInflight = r.s.Inflight
		}
		so.OnAck = func(a session.Ack) {
			switch {
			case a.Refused:
				c.tally.Error("refused")
			case a.Latency > 0 && r.clock.Now() >= r.warmEnd.Load():
				r.ack.Record(c.g, a.Latency)
			}
		}
		s, err := r.pubDial.dial(ctx, c.g, so)
		if err != nil {
			return &ClientError{ID: c.id, Err: err}
		}
		c.sess = s
		return nil
	})
}

// publish runs every publisher to its end.
func (r *run) publish(ctx context.Context, start time.Time) {
	done := make(chan struct{}, len(r.pubs))
	for _, c := range r.pubs {
		r.sched.Init(&c.src.sched, c.g, start)
		m := message.Message{QoS: byte(r.s.PubQoS), Retain: r.s.Retain}
		if c.src.topic.Static() {
			m.Topic = c.src.topic.Render(0)
		}
		p := publish.New(publish.Options{Session: c.sess, Source: &c.src, Message: m, OnSent: c.src.sent,
			DrainAfterStop: drainAfterStop})
		go func() {
			defer func() { done <- struct{}{} }()
			c.report = p.Run(ctx)
			c.src.wait.Stop()
			// Written and, at QoS 1 and 2, acknowledged: the end of what a pub run measures.
			c.src.last = time.Now()
			c.sess = nil // Run disconnected it
			r.countReport(c)
		}()
	}
	for range r.pubs {
		<-done
	}
}

// countReport turns what a publisher's run reported into its errors, by reason.
func (r *run) countReport(c *pubClient) {
	rep := &c.report
	for range rep.Unacked() - rep.Refused {
		c.tally.Error("unacknowledged")
	}
	if rep.Err != nil && !errors.Is(rep.Err, context.Canceled) {
		c.tally.Error("publish-failed")
	}
	if rep.Lost != nil {
		c.tally.Error("connection-lost")
	}
}

// ClientError is a client that could not connect or subscribe.
type ClientError struct {
	ID          string
	Subscribing bool
	Err         error
}

func (e *ClientError) Error() string {
	if e.Subscribing {
		return fmt.Sprintf("client %s: subscribing: %v", e.ID, e.Err)
	}
	return fmt.Sprintf("client %s: %v", e.ID, e.Err)
}

func (e *ClientError) Unwrap() error { return e.Err }
