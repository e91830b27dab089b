// Package watch is the full-screen live view of `mqtt watch`: every topic seen, with its last value, count,
// rate, the time since its last message and a sparkline of its numbers.
//
// Counting is off the drawing path: the session's reader goroutine hands each message to Store.Add, which
// updates the topic's figures under a short lock, and the view takes a snapshot of what changed at most 30
// times a second. A burst of messages costs the view nothing, and a paused view still counts.
package watch

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"mqtt/internal/message"
)

// StoreOptions configure what a Store keeps.
type StoreOptions struct {
	// History is how many of each topic's last messages are kept for the detail view; 0 means 20.
	History int
	// Samples is how many of each topic's numbers are kept for its sparkline; 0 means 32.
	Samples int
	// MaxPayload is how many bytes of a payload are kept; 0 means 64 KiB. The size is kept whole.
	MaxPayload int
	// Number reads the number a message carries for the sparkline (--field with jq); nil means
	// DefaultNumber. It runs on the goroutine that calls Add, outside the lock.
	Number func(m *message.Message) (float64, bool)
	// Decode, when set, decodes every message as it is added, in order, on the goroutine that calls Add:
	// for a decoder that keeps state between messages (Sparkplug B's aliases), which Options.Decode, called
	// by the view for the messages it draws, cannot serve. It costs a decoding per message.
	Decode Decoder
	// Now stands for time.Now in tests; it stamps a message whose Received is zero.
	Now func() time.Time
}

// Store holds what is known of every topic seen. Add is safe for concurrent use with everything else.
type Store struct {
	o       StoreOptions
	mu      sync.Mutex
	topics  map[string]*topicState
	order   []*topicState // in the order first seen
	total   uint64
	version uint64 // bumped by every change, so that a snapshot copies only what changed
	status  string
}

// topicState is one topic's figures. The rings reuse their buffers: a steady stream allocates nothing.
type topicState struct {
	name     string
	count    uint64
	live     uint64        // messages that were not retained: only their gaps tell the usual interval
	interval time.Duration // smoothed gap between live messages
	lastLive time.Time
	version  uint64
	history  ring[Entry]
	samples  ring[float64]
}

// Entry is one received message as the view keeps it.
type Entry struct {
	At      time.Time
	Payload []byte // at most StoreOptions.MaxPayload bytes
	Size    int    // the whole payload's length
	QoS     byte
	Retain  bool
	Props   *message.Properties // shared, never changed once stored
	// Line and Pretty are StoreOptions.Decode's, when Decoded.
	Line, Pretty string
	Decoded      bool
}

// Message returns the entry as a message, for a decoder. Its payload is the entry's, cut as it is.
func (e *Entry) Message(topic string) message.Message {
	return message.Message{Topic: topic, Payload: e.Payload, QoS: e.QoS, Retain: e.Retain, Props: e.Props, Received: e.At}
}

// NewStore returns an empty store.
func NewStore(o StoreOptions) *Store {
	if o.History <= 0 {
		o.History = 20
	}
	if o.Samples <= 0 {
		o.Samples = 32
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = 64 << 10
	}
	if o.Number == nil {
		o.Number = DefaultNumber
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{o: o, topics: make(map[string]*topicState)}
}

// Add counts m and keeps what the view shows of it. m is the caller's and may be reused once Add returns:
// Add copies what it keeps.
func (s *Store) Add(m *message.Message) {
	num, hasNum := s.o.Number(m)
	at := m.Received
	if at.IsZero() {
		at = s.o.Now()
	}
	props := m.Props.Clone()
	var line, pretty string
	if s.o.Decode != nil {
		line, pretty = s.o.Decode(m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[m.Topic]
	if t == nil {
		t = &topicState{name: strings.Clone(m.Topic), history: newRing[Entry](s.o.History), samples: newRing[float64](s.o.Samples)}
		s.topics[t.name] = t
		s.order = append(s.order, t)
	}
	s.total++
	s.version++
	t.version = s.version
	t.count++
	if !m.Retain {
		if t.live > 0 {
			t.interval = smooth(t.interval, at.Sub(t.lastLive))
		}
		t.live++
		t.lastLive = at
	}
	e := t.history.push()
	e.At, e.Size, e.QoS, e.Retain, e.Props = at, len(m.Payload), m.QoS, m.Retain, props
	e.Line, e.Pretty, e.Decoded = line, pretty, s.o.Decode != nil
	e.Payload = append(e.Payload[:0], m.Payload[:min(len(m.Payload), s.o.MaxPayload)]...)
	if hasNum {
		*t.samples.push() = num
	}
}

// smooth folds a gap into the usual interval: an exponential average that follows a change of pace
// within a few messages.
func smooth(avg, gap time.Duration) time.Duration {
	if avg == 0 {
		return max(gap, 1)
	}
	return (avg*4 + gap) / 5
}

// SetStatus sets the connection's state as the header shows it ("" when all is well): the command words it.
func (s *Store) SetStatus(status string) {
	s.mu.Lock()
	s.status = status
	s.version++
	s.mu.Unlock()
}

// Total is how many messages Add has counted.
func (s *Store) Total() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Count is how many messages Add has counted for topic.
func (s *Store) Count(topic string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.topics[topic]; t != nil {
		return t.count
	}
	return 0
}

// History returns topic's last messages, oldest first, as copies of the caller's own.
func (s *Store) History(topic string) []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[topic]
	if t == nil {
		return nil
	}
	out := make([]Entry, 0, t.history.len)
	t.history.each(func(e *Entry) {
		c := *e
		c.Payload = append([]byte(nil), e.Payload...)
		out = append(out, c)
	})
	return out
}

// DefaultNumber reads a payload that is a number and nothing else (blanks around it allowed): "21.5",
// "-3", "1e3". A number inside JSON needs a field expression.
func DefaultNumber(m *message.Message) (float64, bool) {
	p := m.Payload
	for len(p) > 0 && isBlank(p[0]) {
		p = p[1:]
	}
	for len(p) > 0 && isBlank(p[len(p)-1]) {
		p = p[:len(p)-1]
	}
	if len(p) == 0 || len(p) > 64 || !(p[0] == '-' || p[0] == '+' || p[0] == '.' || p[0] >= '0' && p[0] <= '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(p), 64)
	if err != nil || f != f || f > maxSample || f < -maxSample {
		return 0, false
	}
	return f, true
}

// maxSample keeps infinities out of the sparkline's scale.
const maxSample = 1e300

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
