package watch

import (
	"slices"
	"strings"
	"time"
)

// Snapshot is the view's copy of a Store: Store.Snapshot brings it up to date, copying only the topics that
// changed since the last time.
type Snapshot struct {
	Topics  []*TopicView // sorted by name
	Total   uint64
	Status  string
	version uint64
	views   map[*topicState]*TopicView
}

// TopicView is one topic as the view last saw it.
type TopicView struct {
	Name     string
	Count    uint64
	Last     Entry         // the latest message; its buffers are the view's own
	Interval time.Duration // the usual gap between live (not retained) messages; 0 until there are two
	Live     uint64        // how many were not retained
	Samples  []float64     // numbers for the sparkline, oldest first
	Version  uint64        // changes whenever the topic does

	cache rowCache // the view's: what was drawn of this version
}

// rowCache is what the view keeps of a topic between frames.
type rowCache struct {
	rate        rates
	line        string // the decoded last value, made visible
	lineVersion uint64 // the topic's version line was decoded from; 0: not yet
	nameWidth   int    // the topic's width on the screen; 0: not yet measured
}

// Snapshot brings into up to date. Only topics that changed since into was last brought up to date are
// copied, under the store's lock.
func (s *Store) Snapshot(into *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if into.views == nil {
		into.views = make(map[*topicState]*TopicView)
	}
	if into.version == s.version {
		return
	}
	for _, t := range s.order {
		if t.version <= into.version {
			continue
		}
		v := into.views[t]
		if v == nil {
			v = &TopicView{Name: t.name}
			into.views[t] = v
			at, _ := slices.BinarySearchFunc(into.Topics, t.name, func(v *TopicView, name string) int {
				return strings.Compare(v.Name, name)
			})
			into.Topics = slices.Insert(into.Topics, at, v)
		}
		v.Count, v.Interval, v.Live, v.Version = t.count, t.interval, t.live, t.version
		last := t.history.last()
		payload := append(v.Last.Payload[:0], last.Payload...)
		v.Last = *last
		v.Last.Payload = payload
		v.Samples = v.Samples[:0]
		t.samples.each(func(f *float64) { v.Samples = append(v.Samples, *f) })
	}
	into.Total, into.Status, into.version = s.total, s.status, s.version
}

// Find returns the index of the topic named name, or -1.
func (s *Snapshot) Find(name string) int {
	i, ok := slices.BinarySearchFunc(s.Topics, name, func(v *TopicView, name string) int {
		return strings.Compare(v.Name, name)
	})
	if !ok {
		return -1
	}
	return i
}
