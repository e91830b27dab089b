package session

import (
	"sync"
	"time"
)

// sendTimes remembers when each QoS 1/2 PUBLISH was written, for Ack.Latency; a session keeps one only
// when it has an OnAck to tell. A message is stamped once, just before the write that carries it, so
// that a batch of them costs one clock reading.
type sendTimes struct {
	base    time.Time // the clock is read as time.Since(base): monotonic, and 8 bytes an entry
	queued  []uint16  // identifiers in the write buffer, not yet stamped (under outbound.bufMu)
	mu      sync.Mutex
	written map[uint16]time.Duration
}

// queue notes that the PUBLISH id is in the write buffer, with outbound.bufMu held.
func (t *sendTimes) queue(id uint16) {
	if t != nil {
		t.queued = append(t.queued, id)
	}
}

// stamp is called, with outbound.bufMu held, just before the buffer is written.
func (t *sendTimes) stamp() {
	if t == nil || len(t.queued) == 0 {
		return
	}
	t.mu.Lock()
	if t.written == nil {
		t.base, t.written = time.Now(), make(map[uint16]time.Duration)
	}
	now := time.Since(t.base)
	for _, id := range t.queued {
		t.written[id] = now
	}
	t.mu.Unlock()
	t.queued = t.queued[:0]
}

// drop forgets what was queued: the buffer was dropped with its connection (outbound.attach).
func (t *sendTimes) drop() {
	if t != nil {
		t.queued = t.queued[:0]
	}
}

// since is how long ago id was written, forgetting it; 0 when it was not stamped.
func (t *sendTimes) since(id uint16) time.Duration {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.written[id]
	if !ok {
		return 0
	}
	delete(t.written, id)
	return time.Since(t.base) - at
}
