// Package seqtrack counts loss, duplicates and reordering from the sequence numbers in benchmark payloads.
//
// A Window follows one publisher's stream as one receiver sees it, in bounded memory: a ring of bits for the
// last Size sequence numbers below the highest seen. A number at or above the top is new (the ring slides
// over it); one inside the ring is a duplicate when its bit is set and a reordered arrival when not; one
// below the ring is Late: too old to tell a duplicate from a very late first arrival, so it is counted on its
// own and not as received. Loss is not guessed from gaps: it is the number of messages the publishers sent
// minus the distinct ones received, worked out when the run is over (see Counts.Lost), so messages lost at
// the very end count too.
package seqtrack

// Outcome is what one arrival was.
type Outcome uint8

const (
	New       Outcome = iota // first arrival, in order
	Reordered                // first arrival, after a higher sequence number
	Duplicate                // seen before
	Late                     // older than the window: not counted as received
)

// DefaultSize is the window in sequence numbers when Options.Window is 0: reordering by more than this is
// counted as Late. 1024 numbers cost 128 bytes per publisher and receiver.
const DefaultSize = 1024

// Window is one publisher's stream as one receiver sees it. Its zero value is unusable; see NewWindow.
type Window struct {
	top  uint64 // highest sequence number seen + 1; 0 before any
	bits []uint64
	Counts
}

// NewWindow returns a window of size sequence numbers, rounded up to a multiple of 64 (0: DefaultSize).
func NewWindow(size int) *Window {
	w := &Window{}
	w.init(make([]uint64, words(size)))
	return w
}

func words(size int) int {
	if size <= 0 {
		size = DefaultSize
	}
	return (size + 63) / 64
}

func (w *Window) init(bits []uint64) { w.bits = bits }

func (w *Window) size() uint64 { return uint64(len(w.bits)) * 64 }

func (w *Window) has(seq uint64) bool {
	i := seq % w.size()
	return w.bits[i/64]&(1<<(i%64)) != 0
}

func (w *Window) set(seq uint64) {
	i := seq % w.size()
	w.bits[i/64] |= 1 << (i % 64)
}

func (w *Window) clear(seq uint64) {
	i := seq % w.size()
	w.bits[i/64] &^= 1 << (i % 64)
}

// Observe records the arrival of seq and says what it was.
func (w *Window) Observe(seq uint64) Outcome {
	w.Received++
	if seq >= w.top {
		// The ring slides up to seq: the slots of top..seq now stand for those numbers, none seen yet.
		if seq-w.top >= w.size() {
			clear(w.bits)
		} else {
			for s := w.top; s < seq; s++ {
				w.clear(s)
			}
		}
		w.set(seq)
		w.top = seq + 1
		w.Distinct++
		return New
	}
	if w.top-seq > w.size() {
		w.Received--
		w.Late++
		return Late
	}
	if w.has(seq) {
		w.Duplicates++
		return Duplicate
	}
	w.set(seq)
	w.Distinct++
	w.Reordered++
	return Reordered
}

// Top is the highest sequence number seen plus one (0 before any).
func (w *Window) Top() uint64 { return w.top }

// Missing is how many numbers below the top have not arrived (yet): lost, or still on their way.
func (w *Window) Missing() uint64 { return w.top - w.Distinct }
