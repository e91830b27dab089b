package publish

import (
	"strconv"

	"mqtt/internal/message"
)

// Encoding is the Renderer of pub --encode: each message's payload, JSON as the source or template gave
// it, is encoded (CBOR, protobuf, Sparkplug B...) just before it is published. Encode is the codec's,
// handed in so that this package links no codec.
type Encoding struct {
	// Then renders the message first (a template), or is nil.
	Then Renderer
	// Encode appends the payload for a message on topic made from the JSON in.
	Encode func(dst []byte, topic string, in []byte) ([]byte, error)

	buf []byte // Publish copies the payload before it returns, so one buffer serves every message
}

// EncodeError is message N's payload failing to encode: the run ends there, before anything else is sent.
type EncodeError struct {
	N   uint64
	Err error
}

func (e *EncodeError) Error() string {
	return "message " + strconv.FormatUint(e.N, 10) + ": " + e.Err.Error()
}
func (e *EncodeError) Unwrap() error { return e.Err }

// Render renders m with Then, then encodes its payload.
func (e *Encoding) Render(m *message.Message, n uint64) error {
	if e.Then != nil {
		if err := e.Then.Render(m, n); err != nil {
			return err
		}
	}
	out, err := e.Encode(e.buf[:0], m.Topic, m.Payload)
	if err != nil {
		return &EncodeError{N: n, Err: err}
	}
	e.buf = out
	m.Payload = out
	return nil
}
