package receive

import (
	"bufio"
	"errors"
	"io"
	"syscall"

	"mqtt/format"
	"mqtt/internal/message"
)

// Printer is the Consumer that prints: each message formatted by a format.Printer into a buffered
// writer, flushed when the reader is idle, so that a terminal sees each message at once and a pipe gets
// full buffers.
type Printer struct {
	format format.Printer
	out    *bufio.Writer
	buf    []byte
	o      PrinterOptions
}

// PrinterOptions say when a Printer flushes and where its format problems go.
type PrinterOptions struct {
	// FlushEach writes each message at once (under -d, whose lines are written as they happen).
	FlushEach bool
	// Hold keeps the output until Flush (rr prints its reply once its request is acknowledged).
	Hold bool
	// OnFormatError is told a message the format could not print in full (a %J payload that is not
	// JSON, a %f payload of the wrong size); the rest of it is printed all the same. Nil for none.
	OnFormatError func(error)
}

// NewPrinter prints with f to w.
func NewPrinter(f format.Printer, w io.Writer, o PrinterOptions) *Printer {
	return &Printer{format: f, out: bufio.NewWriterSize(w, 64<<10), o: o}
}

func (p *Printer) Message(m *message.Message) error {
	var err error
	p.buf, err = p.format.Append(p.buf[:0], m)
	if err != nil && p.o.OnFormatError != nil {
		p.o.OnFormatError(err)
	}
	if _, err := p.out.Write(p.buf); err != nil {
		return stopped(err)
	}
	if p.o.FlushEach {
		return stopped(p.out.Flush())
	}
	return nil
}

func (p *Printer) Idle() error {
	if p.o.Hold {
		return nil
	}
	return stopped(p.out.Flush())
}

// Flush writes what is buffered. The reader of the output having gone is no error: a Unix tool then
// ends quietly.
func (p *Printer) Flush() error { return quiet(stopped(p.out.Flush())) }

// stopped makes a write to a reader that went away (EPIPE) ErrStop.
func stopped(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return ErrStop
	}
	return err
}
