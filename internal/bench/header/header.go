// Package header is the small fixed binary header at the start of every benchmark payload: what a receiver
// needs to tell which run and publisher a message is from, its place in that publisher's sequence, and when
// it was meant to go and did go. The rest of the payload is random bytes, the same for the whole run.
//
// Layout, big-endian, Size bytes:
//
//	0   4  magic "mqb1" (the 1 is the layout's version)
//	4   8  run id
//	12  4  publisher index (in the whole run, all shards)
//	16  8  sequence number in that publisher's stream, from 0
//	24  8  intended send time, ns since the Unix epoch
//	32  8  actual send time, ns since the Unix epoch
//
// Times come from a Clock: the wall time at the start plus the monotonic time since, so that they can be
// compared across processes started together and do not jump with the wall clock during a run.
package header

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// Size is the header's length: the least payload size a benchmark can send.
const Size = 40

var magic = [4]byte{'m', 'q', 'b', '1'}

// Header is what a benchmark payload carries about itself.
type Header struct {
	Run       uint64
	Publisher uint32
	Seq       uint64
	Intended  int64 // ns since the Unix epoch
	Sent      int64 // ns since the Unix epoch
}

// Why a payload is not one of this run's.
var (
	ErrShort     = errors.New("payload shorter than the benchmark header")
	ErrForeign   = errors.New("payload is not a benchmark payload")
	ErrOtherRun  = errors.New("payload is from another benchmark run")
	ErrPublisher = errors.New("payload names a publisher the run does not have")
)

// Put writes h at the start of buf, which must be at least Size long.
func Put(buf []byte, h Header) {
	_ = buf[Size-1]
	copy(buf, magic[:])
	binary.BigEndian.PutUint64(buf[4:], h.Run)
	binary.BigEndian.PutUint32(buf[12:], h.Publisher)
	binary.BigEndian.PutUint64(buf[16:], h.Seq)
	binary.BigEndian.PutUint64(buf[24:], uint64(h.Intended))
	binary.BigEndian.PutUint64(buf[32:], uint64(h.Sent))
}

// Parse reads the header at the start of buf without checking whose it is.
func Parse(buf []byte) (Header, error) {
	if len(buf) < Size {
		return Header{}, ErrShort
	}
	if [4]byte(buf[:4]) != magic {
		return Header{}, ErrForeign
	}
	return Header{
		Run:       binary.BigEndian.Uint64(buf[4:]),
		Publisher: binary.BigEndian.Uint32(buf[12:]),
		Seq:       binary.BigEndian.Uint64(buf[16:]),
		Intended:  int64(binary.BigEndian.Uint64(buf[24:])),
		Sent:      int64(binary.BigEndian.Uint64(buf[32:])),
	}, nil
}

// Reader accepts the headers of one run.
type Reader struct {
	Run        uint64
	Publishers int // publishers in the whole run; a larger index is rejected
}

// Read returns the header at the start of payload, or an error (one of the Err values) when the payload is
// not one of this run's: too short, not a benchmark payload, another run, or a publisher out of range.
func (r Reader) Read(payload []byte) (Header, error) {
	h, err := Parse(payload)
	if err != nil {
		return h, err
	}
	if h.Run != r.Run {
		return h, ErrOtherRun
	}
	if int64(h.Publisher) >= int64(r.Publishers) {
		return h, ErrPublisher
	}
	return h, nil
}

// SizeError is a payload size too small to hold the header.
type SizeError struct{ Size, Min int }

func (e *SizeError) Error() string {
	return fmt.Sprintf("payload size %d is smaller than the benchmark header: use at least %d bytes", e.Size, e.Min)
}

// Payload returns a payload of size bytes for run: room for the header, then random bytes drawn from the
// run id, so every publisher and every shard of a run sends the same filler. A size below Size is a
// *SizeError.
func Payload(size int, run uint64) ([]byte, error) {
	if size < Size {
		return nil, &SizeError{Size: size, Min: Size}
	}
	buf := make([]byte, size)
	rnd := rand.New(rand.NewPCG(run, run^0x9e3779b97f4a7c15))
	for i := Size; i < size; i++ {
		buf[i] = byte(rnd.Uint32())
	}
	return buf, nil
}

// RunID derives a run id from a seed that every shard of a run shares (the start time and the settings, say),
// so shards that never talk to each other still accept each other's messages.
func RunID(seed string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return h.Sum64()
}

// Clock reads the time for headers: the wall time at its start plus the monotonic time since.
type Clock struct {
	base   time.Time
	baseNs int64
}

// NewClock starts a clock at start, which should come from time.Now (it keeps the monotonic reading).
func NewClock(start time.Time) Clock { return Clock{base: start, baseNs: start.UnixNano()} }

// Now is the current time in ns since the Unix epoch.
func (c Clock) Now() int64 { return c.baseNs + int64(time.Since(c.base)) }

// Ns converts a time to the clock's ns since the Unix epoch, keeping to the monotonic reading when t has one.
func (c Clock) Ns(t time.Time) int64 { return c.baseNs + int64(t.Sub(c.base)) }
