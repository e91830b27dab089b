package replay

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMaxRecord bounds one record: room for the largest MQTT payload (256 MiB) in base64, its
// properties and the envelope. A longer line is refused rather than read into memory whole.
const DefaultMaxRecord = 384 << 20

// ErrTooLong is a record longer than the reader's bound.
var ErrTooLong = errors.New("record too long")

// Reader reads the records of a recording one by one: one JSON object per line as `mqtt sub --json`
// writes it, or spread over lines as `--json --pretty` lays it out (a line "{" up to a line "}"). Blank
// lines are skipped.
type Reader struct {
	r    *bufio.Reader
	max  int
	line int // lines read so far
	buf  []byte
}

// NewReader reads from r. maxRecord bounds one record in bytes; 0 means DefaultMaxRecord.
func NewReader(r io.Reader, maxRecord int) *Reader {
	if maxRecord <= 0 {
		maxRecord = DefaultMaxRecord
	}
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: maxRecord}
}

// Next returns the next record, io.EOF after the last, or a *LineError for a record that cannot be read.
// A reading error of the underlying reader is returned as it is.
func (r *Reader) Next() (Record, error) {
	for {
		r.buf = r.buf[:0]
		line, err := r.readLine(0)
		if err != nil {
			return Record{}, err
		}
		start := r.line
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			continue
		}
		if len(t) == 1 && t[0] == '{' {
			// --pretty: the object ends with a "}" alone at the start of a line; nothing inside it can be
			// one, since members are indented and strings hold no raw newline.
			if err := r.readPretty(start); err != nil {
				return Record{}, err
			}
			t = r.buf
		}
		rec, err := decodeRecord(t)
		if err != nil {
			return Record{}, &LineError{Line: start, Err: err}
		}
		rec.Line = start
		return rec, nil
	}
}

func (r *Reader) readPretty(start int) error {
	for {
		from := len(r.buf)
		line, err := r.readLine(from)
		if err == io.EOF {
			return &LineError{Line: start, Err: io.ErrUnexpectedEOF}
		}
		if err != nil {
			return err
		}
		if t := bytes.TrimRight(line, "\r\n"); len(t) == 1 && t[0] == '}' {
			return nil
		}
	}
}

// readLine appends the next line to r.buf[:from] and returns it, newline included. It returns io.EOF only
// when nothing is left, and a *LineError once the record would pass the bound.
func (r *Reader) readLine(from int) ([]byte, error) {
	r.buf = r.buf[:from]
	r.line++
	for {
		chunk, err := r.r.ReadSlice('\n')
		if len(r.buf)+len(chunk) > r.max {
			return nil, &LineError{Line: r.line, Err: ErrTooLong}
		}
		r.buf = append(r.buf, chunk...)
		switch err {
		case nil:
			return r.buf[from:], nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(r.buf) == from {
				return nil, io.EOF
			}
			return r.buf[from:], nil
		default:
			return nil, err
		}
	}
}
