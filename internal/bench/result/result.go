// Package result is a benchmark run as data: the resolved settings, per-role and per-client counters, the
// HDR histograms and the CPU the process used. A Result is written as JSON (Write) with its histograms in
// HdrHistogram's compressed encoding, read back (Read), merged across shards exactly (Merge), and written as
// CSV, one row per client (WriteCSV). Reports are computed from it (Loss, Rate, Warnings), never kept in it,
// so a merged result reports the same way as a single run.
package result

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/schedule"
	"mqtt/internal/bench/seqtrack"
)

// Version is the layout of the JSON; Read refuses another.
const Version = 1

// Role names.
const (
	Pub  = "pub"
	Sub  = "sub"
	Conn = "conn"
)

// Metric names: the histograms a role may carry. All are in microseconds.
const (
	Latency    = "latency"     // received minus intended send time: the headline, free of coordinated omission
	LatencyRaw = "latency_raw" // received minus actual send time
	Ack        = "ack"         // PUBLISH to PUBACK (QoS 1) or PUBCOMP (QoS 2)
	SendDelay  = "send_delay"  // actual minus intended send time: how far behind schedule the publisher was
	Connect    = "connect"     // dial to CONNACK
)

// Result is one benchmark run, or the merge of the shards of one.
type Result struct {
	Version  int      `json:"version"`
	Settings Settings `json:"settings"`
	// Shards is one entry per process that ran: one for a plain run, N after a merge.
	Shards []Shard `json:"shards"`
	// Start is when counting began (the end of the warm-up); End when the last counted message was handled.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Roles []Role    `json:"roles"`
}

// Settings are the resolved settings of the whole run, the same in every shard.
type Settings struct {
	Scenario    string    `json:"scenario"`        // pubsub, pub, sub, conn
	Shape       string    `json:"shape,omitempty"` // pairs, fanout, fanin
	Broker      string    `json:"broker"`
	RunID       uint64    `json:"run_id"`
	Shards      int       `json:"shards"`
	Publishers  int       `json:"publishers"` // in the whole run
	Subscribers int       `json:"subscribers"`
	PubQoS      int       `json:"pub_qos"`
	SubQoS      int       `json:"sub_qos"`
	Retain      bool      `json:"retain,omitempty"`
	PayloadSize int       `json:"payload_size"`
	Topic       string    `json:"topic"`
	ClientID    string    `json:"client_id,omitempty"`
	Rate        float64   `json:"rate,omitempty"` // total messages/s
	Interval    Duration  `json:"interval,omitempty"`
	Count       int64     `json:"count,omitempty"` // total messages
	Duration    Duration  `json:"duration,omitempty"`
	Warmup      Duration  `json:"warmup,omitempty"`
	Inflight    int       `json:"inflight,omitempty"`
	ConnectRate float64   `json:"connect_rate,omitempty"`
	StartAt     time.Time `json:"start_at,omitzero"`
	// Extra holds further resolved settings the banner shows (protocol version, TLS, ...), by name.
	Extra map[string]string `json:"extra,omitempty"`
}

// Schedule is the publish schedule the settings describe.
func (s Settings) Schedule() schedule.Options {
	return schedule.Options{
		Publishers: s.Publishers, Rate: s.Rate, Interval: time.Duration(s.Interval), Count: s.Count,
		Duration: time.Duration(s.Duration), Warmup: time.Duration(s.Warmup),
	}
}

// Shard is what one process of the run was and used.
type Shard struct {
	Index int `json:"index"` // 0-based
	CPU   CPU `json:"cpu"`
}

// CPU is the processor time a process used over its run.
type CPU struct {
	User  Duration `json:"user"`
	Sys   Duration `json:"sys"`
	Wall  Duration `json:"wall"`
	Cores int      `json:"cores"` // processors it could use (GOMAXPROCS)
}

// Load is the CPU used as a fraction of all its cores (1: every core busy the whole time).
func (c CPU) Load() float64 {
	if c.Wall <= 0 || c.Cores <= 0 {
		return 0
	}
	return float64(c.User+c.Sys) / (float64(c.Wall) * float64(c.Cores))
}

// Role is one kind of client in the run (publishers, subscribers, connections).
type Role struct {
	Name    string   `json:"name"`
	Clients []Client `json:"clients"`
	// Receivers are the loss-accounting units of a subscribing role: one per subscriber, or one per $share
	// group (whose members together should see every message once).
	Receivers  []Receiver            `json:"receivers,omitempty"`
	Histograms map[string]*Histogram `json:"histograms,omitempty"`
	// Clamped counts, per metric, values outside the histograms' range that were recorded at its edge.
	Clamped map[string]int64 `json:"clamped,omitempty"`
}

// Client is one connection's counters.
type Client struct {
	Index int    `json:"index"` // in the whole run, all shards
	ID    string `json:"id"`
	Shard int    `json:"shard"`
	// Messages and Bytes count what was sent or received after the warm-up; Total counts every message,
	// warm-up included (a publisher's Total is what loss is counted against).
	Messages uint64            `json:"messages"`
	Bytes    uint64            `json:"bytes"`
	Total    uint64            `json:"total"`
	Errors   map[string]uint64 `json:"errors,omitempty"` // by reason
}

// Receiver is what one subscriber or $share group saw of the publishers it expects.
type Receiver struct {
	Name   string          `json:"name"`
	Expect seqtrack.Expect `json:"expect"`
	seqtrack.Counts
}

// Role returns the role named name, or nil.
func (r *Result) Role(name string) *Role {
	for i := range r.Roles {
		if r.Roles[i].Name == name {
			return &r.Roles[i]
		}
	}
	return nil
}

// Elapsed is the counted part of the run.
func (r *Result) Elapsed() time.Duration { return r.End.Sub(r.Start) }

// SetHistogram stores h (which the role keeps) as metric; an empty h is not stored.
func (ro *Role) SetHistogram(metric string, h *Histogram, clamped int64) {
	if h == nil || h.TotalCount() == 0 {
		return
	}
	if ro.Histograms == nil {
		ro.Histograms = map[string]*Histogram{}
	}
	ro.Histograms[metric] = h
	if clamped > 0 {
		if ro.Clamped == nil {
			ro.Clamped = map[string]int64{}
		}
		ro.Clamped[metric] += clamped
	}
}

// Totals are a role's counters summed over its clients.
type Totals struct {
	Clients  int
	Messages uint64
	Bytes    uint64
	Total    uint64
	Errors   map[string]uint64
}

// Totals sums the role's clients.
func (ro *Role) Totals() Totals {
	t := Totals{Clients: len(ro.Clients), Errors: map[string]uint64{}}
	for _, c := range ro.Clients {
		t.Messages += c.Messages
		t.Bytes += c.Bytes
		t.Total += c.Total
		for k, v := range c.Errors {
			t.Errors[k] += v
		}
	}
	return t
}

// ErrorCount is the sum of errors of every reason.
func (t Totals) ErrorCount() uint64 {
	var n uint64
	for _, v := range t.Errors {
		n += v
	}
	return n
}

// Reasons are the error reasons in a stable order (most first, then by name).
func (t Totals) Reasons() []string {
	keys := slices.Collect(maps.Keys(t.Errors))
	slices.SortFunc(keys, func(a, b string) int {
		if t.Errors[a] != t.Errors[b] {
			if t.Errors[a] > t.Errors[b] {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	return keys
}

// Validate reports a result that cannot be reported on.
func (r *Result) Validate() error {
	if r.Version != Version {
		return fmt.Errorf("result version %d: this mqtt reads version %d", r.Version, Version)
	}
	if len(r.Shards) == 0 {
		return fmt.Errorf("result has no shard")
	}
	return nil
}

// AddRecorder stores a snapshot of a live recorder as metric (nothing when it recorded nothing).
func (ro *Role) AddRecorder(metric string, r *latency.Recorder) {
	h, clamped := r.Snapshot()
	ro.SetHistogram(metric, Wrap(h), clamped)
}
