package session

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// batchReader reads a TCP connection so that a fast stream of small messages costs a wakeup per batch
// instead of one per message. Go's poller registers the socket edge-triggered, so every segment that
// arrives wakes a thread; with a million 16-byte messages that is most of the CPU a subscriber uses, in
// the kernel. While messages stream in, batchReader raises the socket's receive low-water mark
// (SO_RCVLOWAT): the kernel then wakes the reader only once lowWater bytes are queued, or when the read
// deadline, one batch interval away, bounds the wait. Once an interval passes with nothing, it lowers the
// mark again, so a message after a quiet spell is read the moment it arrives.
type batchReader struct {
	conn      *net.TCPConn
	raw       syscall.RawConn
	batch     time.Duration
	lowWater  int
	streaming bool
	full      bool // the last read filled its buffer: more is waiting
	last      time.Time
	// onMode, if set, is told each change of mode; tests wait on it.
	onMode func(streaming bool)
}

// lowWater is about a quarter of a default loopback receive buffer, so the kernel can always queue it.
const lowWater = 16 << 10

// newBatchReader returns nil when c is not a TCP connection: only TCP honours the low-water mark in poll.
func newBatchReader(c net.Conn, batch time.Duration) *batchReader {
	tc, ok := c.(*net.TCPConn)
	if !ok || batch <= 0 {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &batchReader{conn: tc, raw: raw, batch: batch, lowWater: lowWater}
}

func (b *batchReader) Read(p []byte) (int, error) {
	if b.streaming {
		n, err := b.readBatch(p)
		if n > 0 || err != nil {
			b.full = n == len(p)
			return n, err
		}
		b.setStreaming(false) // a whole interval without a byte: the stream has stopped
	}
	n, err := b.conn.Read(p)
	now := time.Now()
	// A read that finds data within one interval of the previous one is a stream.
	if n > 0 && !b.last.IsZero() && now.Sub(b.last) < b.batch {
		b.setStreaming(true)
	}
	b.last = now
	b.full = n == len(p)
	return n, err
}

// readBatch waits until lowWater bytes are queued or an interval has passed, then reads what there is;
// (0, nil) means the interval passed with nothing.
func (b *batchReader) readBatch(p []byte) (int, error) {
	var n int
	var rerr error
	read := func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), p)
		if rerr == syscall.EAGAIN {
			// The poller can wake the wait with nothing to read: readiness it noted while nobody waited,
			// for bytes a read without a wait has taken since. That is no error, and must not be left
			// in rerr when the deadline then ends the wait (it ended a connection: "read: resource
			// temporarily unavailable").
			n, rerr = 0, nil
			return false
		}
		return true
	}
	if !b.full {
		_ = b.conn.SetReadDeadline(time.Now().Add(b.batch))
		waited := false
		err := b.raw.Read(func(fd uintptr) bool {
			if !waited {
				waited = true
				return false // wait for the poller: lowWater bytes, or the deadline
			}
			return read(fd)
		})
		_ = b.conn.SetReadDeadline(time.Time{})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, err
		}
	}
	if n == 0 && rerr == nil {
		// The deadline came first, or more was waiting: take whatever is queued, without waiting.
		err := b.raw.Read(func(fd uintptr) bool {
			n, rerr = syscall.Read(int(fd), p)
			return true
		})
		if err != nil {
			return 0, err
		}
		if rerr == syscall.EAGAIN {
			return 0, nil
		}
	}
	if rerr != nil {
		return 0, os.NewSyscallError("read", rerr)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (b *batchReader) setStreaming(on bool) {
	mark := 1
	if on {
		mark = b.lowWater
	}
	err := b.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, mark)
	})
	b.streaming = on && err == nil
	if b.onMode != nil {
		b.onMode(b.streaming)
	}
}
