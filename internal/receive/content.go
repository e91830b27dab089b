package receive

import (
	"context"

	"mqtt/internal/jq"
	"mqtt/internal/message"
)

// Value is a decoded payload, as a *codec.Value is one: given as an interface, so that the receiver does
// not link every codec into what uses it (the caller hands in its decoder).
type Value interface {
	jq.Payload
	// AppendJSON appends the value as compact JSON.
	AppendJSON(dst []byte) []byte
	// Structured says whether it is data rather than text or bytes.
	Structured() bool
	// Note is a remark about a payload that did decode (Sparkplug B aliases not yet named), or nil.
	Note() error
}

// ContentOptions are the stages that read a payload: --decode, --filter and --select.
type ContentOptions struct {
	// Decode decodes a payload; the Value is valid until the next call. Nil: payloads are not decoded.
	Decode func(topic string, payload []byte) (Value, error)
	// Show prints the decoded value (--decode was asked for); without it a Value only feeds the filter.
	Show bool
	// Filter keeps the messages it is truthy on (--filter); Select prints what it yields (--select)
	// instead of the message. Nil for none.
	Filter, Select *jq.Filter

	// OnDecodeError is told a payload that did not decode: it is then handled as if undecoded (printed
	// raw, the filter seeing the payload as a string).
	OnDecodeError func(m *message.Message, err error)
	// OnNote is told a Value's Note.
	OnNote func(m *message.Message, note error)
	// OnFilterError is told an error Filter or Select raised on a message, which is then skipped.
	OnFilterError func(m *message.Message, err error)
}

// Content decodes and filters each message the built-in filters kept: its Keep is the Receiver's
// Options.Filter, and the Printer it is given prints what Keep decoded. It serves one stream, on the
// session's reader.
type Content struct {
	o   ContentOptions
	ctx context.Context
	cur Value // what Keep decoded for the message being handled; nil when it did not
}

// NewContent returns the stage for o.
func NewContent(o ContentOptions) *Content {
	return &Content{o: o, ctx: context.Background()}
}

// Keep decodes m and says whether the filter keeps it. A message kept is counted towards -C; one the
// filter drops, or errs on, is not.
func (c *Content) Keep(m *message.Message) bool {
	c.cur = nil
	if c.o.Decode != nil {
		v, err := c.o.Decode(m.Topic, m.Payload)
		switch {
		case err != nil:
			if c.o.OnDecodeError != nil {
				c.o.OnDecodeError(m, err)
			}
		default:
			c.cur = v
			if note := v.Note(); note != nil && c.o.OnNote != nil {
				c.o.OnNote(m, note)
			}
		}
	}
	if c.o.Filter == nil {
		return true
	}
	keep, err := c.o.Filter.Keep(c.ctx, m, c.payload())
	if err != nil {
		if c.o.OnFilterError != nil {
			c.o.OnFilterError(m, err)
		}
		return false
	}
	return keep
}

// payload is the current value as jq takes it: a nil interface when there is none.
func (c *Content) payload() jq.Payload {
	if c.cur == nil {
		return nil
	}
	return c.cur
}

// selectValues calls yield with the compact JSON of each value --select yields on m, made in buf. An
// error of the expression skips the message (told to OnFilterError); yield's error is returned.
func (c *Content) selectValues(m *message.Message, buf *[]byte, yield func(json []byte) error) error {
	var yieldErr error
	err := c.o.Select.Select(c.ctx, m, c.payload(), func(x any) error {
		*buf = jq.AppendJSON((*buf)[:0], x)
		yieldErr = yield(*buf)
		return yieldErr
	})
	if err != nil && yieldErr == nil && c.o.OnFilterError != nil {
		c.o.OnFilterError(m, err)
	}
	return yieldErr
}
