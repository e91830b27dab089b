package payload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Input from a file or a pipe is read up to a limit, the most a message can carry, plus one byte: that is
// enough to tell that the input is too long, and /dev/zero or a runaway pipe then costs the limit, not
// all the memory there is.

// TooLargeError says that input holds more than Limit bytes.
type TooLargeError struct{ Limit int }

func (e *TooLargeError) Error() string { return fmt.Sprintf("more than %d bytes", e.Limit) }

// ReadAll reads r to its end, or fails with a *TooLargeError once it has more than limit bytes. It
// reads into chunks and joins them at the end, so that endless input costs the limit in memory, not
// the two or three times that a buffer doubling on the way there takes (600 MB for /dev/zero).
func ReadAll(r io.Reader, limit int) ([]byte, error) {
	lr := io.LimitReader(r, int64(limit)+1)
	var chunks [][]byte
	n, size := 0, 64<<10 // each chunk twice the one before, up to 4 MiB: small input stays small
	for ; ; size = min(2*size, 4<<20) {
		c := make([]byte, size)
		m, err := io.ReadFull(lr, c)
		if m > 0 {
			chunks = append(chunks, c[:m])
			n += m
		}
		if n > limit {
			return nil, &TooLargeError{limit}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// ReadFile is os.ReadFile with ReadAll's limit. A regular file larger than limit is refused before it
// is read; a device or a pipe (/dev/zero, <(yes)) is read up to the limit.
func ReadFile(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > int64(limit) {
		return nil, &TooLargeError{limit}
	}
	return ReadAll(f, limit) // a read error is the file's *os.PathError
}

// FirstLine is the first line of r without its line ending ("\n" or "\r\n"), read up to the limit: r is
// never read much past the first line, nor past the limit. A first line longer than limit is a *TooLargeError.
func FirstLine(r io.Reader, limit int) (string, error) {
	br := bufio.NewReader(io.LimitReader(r, int64(limit)+2)) // the line, then "\r\n" at most
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			if err != nil && !errors.Is(err, io.EOF) {
				return "", err
			}
			break
		}
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) > limit {
		return "", &TooLargeError{limit}
	}
	return string(line), nil
}
