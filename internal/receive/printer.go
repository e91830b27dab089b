package receive

import (
	"bufio"
	"bytes"
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
	json   []byte          // a decoded value or a selected one, as compact JSON
	alt    message.Message // the message with its decoded value as payload (DecodedAsPayload)
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
	// Content, when set, is the stage whose decoded value is printed (with a format.DecodedPrinter) and
	// whose --select values are printed with Values instead of the message.
	Content *Content
	Values  *format.Values
	// DecodedAsPayload prints, with a printer that has no place for a decoded value (mosquitto's
	// output), the decoded value in place of the payload: JSON for data, the text or digits otherwise.
	DecodedAsPayload bool
}

// NewPrinter prints with f to w.
func NewPrinter(f format.Printer, w io.Writer, o PrinterOptions) *Printer {
	return &Printer{format: f, out: bufio.NewWriterSize(w, 64<<10), o: o}
}

func (p *Printer) Message(m *message.Message) error {
	var err error
	switch c := p.o.Content; {
	case c != nil && c.o.Select != nil:
		return p.selected(m, c)
	case c != nil && c.o.Show && c.cur != nil:
		p.buf, err = p.appendDecoded(p.buf[:0], m, c.cur)
	default:
		p.buf, err = p.format.Append(p.buf[:0], m)
	}
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

// appendDecoded prints m with its decoded value v, where the format has a place for one.
func (p *Printer) appendDecoded(dst []byte, m *message.Message, v Value) ([]byte, error) {
	p.json = v.AppendJSON(p.json[:0])
	if dp, ok := p.format.(format.DecodedPrinter); ok {
		return dp.AppendDecoded(dst, m, format.Decoded{JSON: p.json, Structured: v.Structured()})
	}
	if !p.o.DecodedAsPayload {
		return p.format.Append(dst, m)
	}
	p.alt = *m
	switch j := p.json; {
	case v.Structured():
		p.alt.Payload = j
	case len(j) >= 2 && j[0] == '"' && bytes.IndexByte(j, '\\') < 0:
		p.alt.Payload = j[1 : len(j)-1] // hex or base64 digits, or text that needed no escape
	}
	return p.format.Append(dst, &p.alt)
}

// selected prints the values --select yields on m.
func (p *Printer) selected(m *message.Message, c *Content) error {
	p.buf = p.buf[:0]
	_ = c.selectValues(m, &p.json, func(json []byte) error {
		p.buf = p.o.Values.Append(p.buf, json)
		return nil
	})
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
