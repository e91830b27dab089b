package session

import (
	"fmt"

	"mqtt/internal/wire"
)

// TooLargeError is a message refused before sending: it was never on the wire.
type TooLargeError struct{ msg string }

func (e *TooLargeError) Error() string { return e.msg }

// checkSize refuses a PUBLISH the protocol cannot carry or the broker said it will not take. Neither
// library checks: paho.golang panics and paho.mqtt.golang writes a malformed length.
func checkSize(version byte, m *topicPayload, props int, maxPacket uint32) error {
	n := 2 + len(m.topic) + len(m.payload) + props
	if m.qos > 0 {
		n += 2
	}
	if version == V5 {
		n += wire.VarintLen(props)
	}
	if n > wire.MaxRemaining {
		return &TooLargeError{fmt.Sprintf("message of %d bytes is larger than MQTT allows (%d bytes with its topic)", len(m.payload), wire.MaxRemaining)}
	}
	if total := 1 + wire.VarintLen(n) + n; maxPacket > 0 && uint32(total) > maxPacket {
		return &TooLargeError{fmt.Sprintf("message of %d bytes makes a %d-byte packet; the broker accepts at most %d", len(m.payload), total, maxPacket)}
	}
	return nil
}

type topicPayload struct {
	topic   string
	payload []byte
	qos     byte
}
