package format

import "mqtt/internal/message"

// Printer turns one received message into the bytes to write. mosquitto's output (*Formatter), JSON lines
// and the terminal view are printers; sub and rr hold one and know nothing of how it prints.
type Printer interface {
	// Append appends the bytes for m to dst. An error reports a problem with this message's output
	// (such as %J on a payload that is not JSON) after the bytes were appended anyway.
	Append(dst []byte, m *message.Message) ([]byte, error)
}

var _ Printer = (*Formatter)(nil)
