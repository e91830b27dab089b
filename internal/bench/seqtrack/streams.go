package seqtrack

import (
	"slices"
	"sync"
)

// Expect says which publishers' messages a receiver should see: All of them (a fan-out subscriber, or a
// $share group, which together should see every message once), or the listed publishers (a subscriber of a
// pair sees its own publisher's). Indexes are the publishers' indexes in the whole run, all shards.
type Expect struct {
	All        bool  `json:"all,omitempty"`
	Publishers []int `json:"publishers,omitempty"`
}

// Includes reports whether publisher p is expected.
func (e Expect) Includes(p int) bool { return e.All || slices.Contains(e.Publishers, p) }

// Streams is one receiver's view of every publisher it expects: one Window each, made when that publisher's
// first message arrives. It is safe for concurrent use, so the members of a $share group share one.
type Streams struct {
	mu      sync.Mutex
	expect  Expect
	size    int
	dense   []*Window       // Expect.All: by publisher index
	listed  map[int]*Window // otherwise
	unknown Counts          // arrivals from publishers not expected
}

// Options shape a Streams.
type Options struct {
	Publishers int    // publishers in the whole run
	Expect     Expect // whose messages this receiver should see
	Window     int    // window size in sequence numbers (0: DefaultSize)
}

// NewStreams returns an empty Streams.
func NewStreams(o Options) *Streams {
	s := &Streams{expect: o.Expect, size: o.Window}
	if o.Expect.All {
		s.dense = make([]*Window, o.Publishers)
	} else {
		s.listed = make(map[int]*Window, len(o.Expect.Publishers))
		for _, p := range o.Expect.Publishers {
			s.listed[p] = nil
		}
	}
	return s
}

// Observe records the arrival of message seq of publisher pub.
func (s *Streams) Observe(pub int, seq uint64) Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.window(pub)
	if !ok {
		s.unknown.Unexpected++
		return New
	}
	return w.Observe(seq)
}

func (s *Streams) window(pub int) (*Window, bool) {
	var w *Window
	if s.dense != nil {
		if pub < 0 || pub >= len(s.dense) {
			return nil, false
		}
		if w = s.dense[pub]; w == nil {
			w = NewWindow(s.size)
			s.dense[pub] = w
		}
		return w, true
	}
	w, ok := s.listed[pub]
	if !ok {
		return nil, false
	}
	if w == nil {
		w = NewWindow(s.size)
		s.listed[pub] = w
	}
	return w, true
}

// Counts sums the receiver's windows.
func (s *Streams) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.unknown
	add := func(w *Window) {
		if w != nil {
			c.Add(w.Counts)
			c.Missing += w.Missing()
		}
	}
	for _, w := range s.dense {
		add(w)
	}
	for _, w := range s.listed {
		add(w)
	}
	return c
}

// Expect is whose messages the receiver expects.
func (s *Streams) Expect() Expect { return s.expect }
