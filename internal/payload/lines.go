// Package payload holds the sources of what `mqtt pub` sends.
package payload

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
)

// LineReader splits a stream into lines for `pub -l`: the newline is removed, an empty line is an empty
// message, and a last line without a newline is still a line. Lines may be as long as the limit; the
// returned slice is only valid until the next call, so the hot path allocates nothing.
type LineReader struct {
	r     *bufio.Reader
	long  []byte
	limit int
}

// NewLineReader reads lines of up to limit bytes from r; a longer one is a *TooLargeError, found once
// limit+1 bytes of it are read, so that a stream without newlines (/dev/zero) cannot take all memory.
func NewLineReader(r io.Reader, limit int) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// Buffered reports whether a whole line is waiting, so a caller can flush its output only when the
// input has gone quiet (a `tail -f` pipe must see each line published at once).
func (l *LineReader) Buffered() int { return l.r.Buffered() }

// Next returns the next line, or io.EOF when there are no more.
func (l *LineReader) Next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer is kept in pieces until it ends, and joined only then: a line
		// that never ends (/dev/zero) costs the limit, not the limit again for each doubling of one
		// buffer on the way there.
		pieces, n := [][]byte{bytes.Clone(line)}, len(line)
		for errors.Is(err, bufio.ErrBufferFull) && n <= l.limit {
			line, err = l.r.ReadSlice('\n')
			pieces, n = append(pieces, bytes.Clone(line)), n+len(line)
		}
		if errors.Is(err, bufio.ErrBufferFull) || n > l.limit+1 || n == l.limit+1 && line[len(line)-1] != '\n' {
			return nil, &TooLargeError{l.limit} // longer than the limit, the newline aside
		}
		l.long = slices.Grow(l.long[:0], n)
		for _, p := range pieces {
			l.long = append(l.long, p...)
		}
		line = l.long
	}
	if len(line) > 0 && line[len(line)-1] == '\n' {
		line = line[:len(line)-1]
		if len(line) > l.limit {
			return nil, &TooLargeError{l.limit}
		}
		return line, nil
	}
	if len(line) > l.limit {
		return nil, &TooLargeError{l.limit}
	}
	if err == nil || errors.Is(err, io.EOF) {
		if len(line) > 0 {
			return line, nil
		}
		return nil, io.EOF
	}
	return nil, err
}
