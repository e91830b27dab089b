// Package payload holds the sources of what `mqtt pub` sends.
package payload

import (
	"bufio"
	"errors"
	"io"
)

// LineReader splits a stream into lines for `pub -l`: the newline is removed, an empty line is an empty
// message, and a last line without a newline is still a line. Lines may be as long as an MQTT payload;
// the returned slice is only valid until the next call, so the hot path allocates nothing.
type LineReader struct {
	r    *bufio.Reader
	long []byte
}

// NewLineReader reads lines from r.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Buffered reports whether a whole line is waiting, so a caller can flush its output only when the
// input has gone quiet (a `tail -f` pipe must see each line published at once).
func (l *LineReader) Buffered() int { return l.r.Buffered() }

// Next returns the next line, or io.EOF when there are no more.
func (l *LineReader) Next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.long = append(l.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = l.r.ReadSlice('\n')
			l.long = append(l.long, line...)
		}
		line = l.long
	}
	if len(line) > 0 && line[len(line)-1] == '\n' {
		return line[:len(line)-1], nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		if len(line) > 0 {
			return line, nil
		}
		return nil, io.EOF
	}
	return nil, err
}
