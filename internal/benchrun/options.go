// Package benchrun runs one benchmark scenario (pubsub, pub, sub, conn) against a broker: it connects the
// clients of each role at the connect rate, publishes through internal/publish with a Source that
// follows the open-loop schedule and stamps the header, receives through internal/receive with a
// Consumer that reads the header back, and returns the run as a result.Result. What it measures and
// how it is reported live in internal/bench; this package only wires them to the engine.
package benchrun

import (
	"errors"
	"fmt"
	"time"

	"mqtt/internal/bench/metrics"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/shard"
	"mqtt/internal/bench/summary"
	"mqtt/internal/bench/template"
	"mqtt/internal/session"
)

// Scenarios.
const (
	PubSub = "pubsub"
	Pub    = "pub"
	Sub    = "sub"
	Conn   = "conn"
)

// Shapes of a pubsub run.
const (
	Pairs  = "pairs"  // publisher i and subscriber i share topic i
	FanOut = "fanout" // every publisher on one topic, every subscriber receives all of it
	FanIn  = "fanin"  // every publisher on one topic, the subscribers share it ($share/GROUP/topic)
)

// ShareGroup is the $share group of a fan-in run's subscribers.
const ShareGroup = "bench"

// Options are one shard's run. Settings describe the whole run (every shard); Shard says which part of
// it this process runs.
type Options struct {
	Settings result.Settings
	Shard    shard.Shard
	// Session is what every client's session starts from (where and how to connect); the runner sets
	// the client id, the callbacks and the inflight window.
	Session session.Options
	// ClientID and Topic are the parsed templates of Settings.ClientID and Settings.Topic.
	ClientID, Topic *template.Template
	// SubTopic, when set, is the filter a `sub` run subscribes to (load made elsewhere).
	SubTopic string
	// Start is when the schedule starts: --start-at, or zero for as soon as every client is connected.
	Start time.Time
	// Drain bounds the wait for messages still on their way once the publishers are done (0: 5 s);
	// receiving also ends once every expected message is in, or after Quiet with nothing new.
	Drain, Quiet time.Duration
	// SubDelay holds each received message this long before the next is read: a slow consumer, whose
	// acknowledgements the broker waits for (the loss test's subscriber).
	SubDelay time.Duration
	// Connections is a conn run's number of connections (all shards); Churn, when positive, closes and
	// reopens each of them this often while they are held.
	Connections int
	Churn       time.Duration
	// Workers is how many connections are dialled at once (0: 64).
	Workers int
	// OnTick, when set, is called about once a second with the running totals and how much of the
	// run is done (messages for a count, whole seconds for a duration).
	OnTick func(s summary.Snapshot, done int64)
	// OnMetrics, when set, is given once the clients are made a function that reads the run's figures
	// at any time (for a /metrics server).
	OnMetrics func(read func() []metrics.Role)
	// OnStart, when set, is told when the schedule starts, once every client is connected.
	OnStart func(time.Time)
}

// Outcome is what a run returns: the result, and what is not a part of it because shards differ in it.
type Outcome struct {
	Result *result.Result
	// ConnMemory is the Go heap and stacks held per connection while a conn run held them all (0 for
	// other scenarios).
	ConnMemory uint64
	// Connected is the most connections held at once (conn).
	Connected int
}

// Validate reports options no run can be made of.
func (o *Options) Validate() error {
	s := o.Settings
	switch s.Scenario {
	case PubSub, Pub, Sub:
	case Conn:
		if o.Connections < 1 {
			return errors.New("a conn run needs at least one connection")
		}
		return nil
	default:
		return fmt.Errorf("unknown scenario %q", s.Scenario)
	}
	if s.Scenario != Sub {
		if err := s.Schedule().Validate(); err != nil {
			return err
		}
	}
	if s.Scenario == PubSub {
		switch s.Shape {
		case Pairs:
			if s.Publishers != s.Subscribers {
				return fmt.Errorf("pairs need as many subscribers as publishers (%d and %d)", s.Subscribers, s.Publishers)
			}
			if !o.Topic.Uses(template.Index) && !o.Topic.Uses(template.ClientID) {
				return errors.New("pairs need a topic per publisher: put %i in the topic")
			}
		case FanOut, FanIn:
			if !o.static() {
				return fmt.Errorf("a %s run has one topic: the topic cannot use %%i, %%c or %%s", s.Shape)
			}
		default:
			return fmt.Errorf("unknown shape %q", s.Shape)
		}
		if o.Topic.Uses(template.Sequence) {
			return errors.New("subscribers cannot follow a topic with %s in it")
		}
	}
	return nil
}

func (o *Options) static() bool {
	return !o.Topic.Uses(template.Index) && !o.Topic.Uses(template.ClientID) && !o.Topic.Uses(template.Sequence)
}

func (o *Options) drain() time.Duration {
	if o.Drain > 0 {
		return o.Drain
	}
	return 5 * time.Second
}

func (o *Options) quiet() time.Duration {
	if o.Quiet > 0 {
		return o.Quiet
	}
	return time.Second
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return 64
}
