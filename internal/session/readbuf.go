package session

import "sync"

// The read buffer of a connection is small while it is quiet, so that thousands of idle sessions cost
// little; it becomes a 64 KiB buffer lent by readBufs while messages stream in, since a wakeup per few
// messages would cost a subscriber most of its CPU time (batchReader); and it is as large as one large
// packet needs while that packet arrives. The larger buffers are given back once what was read is
// handled and the connection has gone quiet again.
const (
	// readSmall holds the CONNACK, SUBACKs and short messages of a quiet connection in one read.
	readSmall = 2 << 10
	// readStream is the buffer of a stream: lowWater (batchReader) and more fit in it.
	readStream = 64 << 10
)

// readBufs holds the stream buffers of every session in the process that is not streaming: a cache of
// free memory, not state.
var readBufs = sync.Pool{New: func() any { b := make([]byte, readStream); return &b }}

// makeRoom keeps the unframed bytes at the front of a buffer that can take more of a packet of size
// need (0 when the header is incomplete). A large packet's buffer grows as its bytes arrive, never to
// more than twice what came: a header may claim 256 MiB that never follow.
func (in *inbound) makeRoom(need int) {
	if in.r == in.w {
		in.r, in.w = 0, 0
		if len(in.buf) > readSmall && (len(in.buf) > readStream || !in.filled && in.lastRead < readSmall) {
			in.useSmall() // everything is handled, and the small buffer would have done
		}
	}
	if in.r > 0 && len(in.buf)-in.r < max(need, 8) {
		in.w = copy(in.buf, in.buf[in.r:in.w])
		in.r = 0
	}
	switch {
	case len(in.buf) < readStream && (in.filled || in.w == len(in.buf)):
		// The last read filled the buffer: more is waiting, or a packet is larger than the buffer.
		lent := readBufs.Get().(*[]byte)
		in.move(*lent)
		in.lent = lent
	case need > len(in.buf) && in.w == len(in.buf):
		in.move(make([]byte, min(need, 2*len(in.buf))))
	}
}

// move puts the unframed bytes into nb and reads into it from now on, giving back a buffer lent.
func (in *inbound) move(nb []byte) {
	in.w = copy(nb, in.buf[in.r:in.w])
	in.r = 0
	in.buf = nb
	if in.lent != nil {
		readBufs.Put(in.lent)
		in.lent = nil
	}
}

// useSmall goes back to the connection's own small buffer; the buffer is empty.
func (in *inbound) useSmall() {
	if in.small == nil {
		in.small = make([]byte, readSmall)
	}
	in.buf = in.small
	if in.lent != nil {
		readBufs.Put(in.lent)
		in.lent = nil
	}
}
