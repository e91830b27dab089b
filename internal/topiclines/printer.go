package topiclines

import (
	"mqtt/format"
	"mqtt/internal/message"
)

// Printer is a format.Printer that puts each message's output on its topic's line, as mosquitto 2.1's
// print_message does with --watch. It is not safe for concurrent use.
type Printer struct {
	Lines  *Lines
	Format format.Printer
	// Keep, when set, decides at random whether a message is printed (--random-filter). mosquitto moves
	// to the topic's line first, so a message left out still gives a new topic its line and leaves the
	// cursor there; it must therefore run here, not before the printer.
	Keep func() bool
}

var _ format.Printer = (*Printer)(nil)

// Append appends the move to m's line, m as Format prints it, and the move below the last line.
func (p *Printer) Append(dst []byte, m *message.Message) ([]byte, error) {
	dst = p.Lines.AppendStart(dst, m.Topic)
	if p.Keep != nil && !p.Keep() {
		return dst, nil
	}
	dst, err := p.Format.Append(dst, m)
	return p.Lines.AppendEnd(dst), err
}
