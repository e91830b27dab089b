package watch

// ring keeps the last n values pushed. Slots are reused, so a value's buffers are too.
type ring[T any] struct {
	buf   []T
	start int // the oldest
	len   int
}

func newRing[T any](n int) ring[T] { return ring[T]{buf: make([]T, n)} }

// push returns the slot of a new newest value: the oldest one's, once the ring is full.
func (r *ring[T]) push() *T {
	i := (r.start + r.len) % len(r.buf)
	if r.len == len(r.buf) {
		r.start = (r.start + 1) % len(r.buf)
	} else {
		r.len++
	}
	return &r.buf[i]
}

// last is the newest value; the ring must not be empty.
func (r *ring[T]) last() *T { return &r.buf[(r.start+r.len-1)%len(r.buf)] }

// each calls f on every value, oldest first.
func (r *ring[T]) each(f func(*T)) {
	for i := range r.len {
		f(&r.buf[(r.start+i)%len(r.buf)])
	}
}
