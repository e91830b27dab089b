package session

import "time"

// Event is something a session tells as it happens (Options.OnEvent): ConnectionLost, Reconnecting,
// Reconnected, SameIDSuspected, Subscribed. A command words them; a benchmark counts them.
type Event interface{ event() }

// ConnectionLost is a connection that dropped under a reconnecting session; a new one is being dialled.
type ConnectionLost struct{ Err error }

// Reconnecting is an attempt to connect again, told before the wait that comes first.
type Reconnecting struct {
	Attempt int // from 1
	Delay   time.Duration
}

// Reconnected is a new connection up, After this long since the last one was lost, after Attempts tries.
type Reconnected struct {
	After    time.Duration
	Attempts int
}

// SameIDSuspected is a broker that keeps closing the connection right after accepting it: Drops
// connections in a row. On MQTT 3.1 and 3.1.1 that is what it does when another client connects with the
// same id (MQTT 5 says so instead, with a DISCONNECT that ends the session: ErrTakenOver). Told once.
type SameIDSuspected struct {
	ClientID string
	Drops    int
}

// Subscribed is a SUBACK: its packet identifier and reason codes (Codes is valid during the call). It is
// told on the reader, before Subscribe returns and before anything that followed the SUBACK is delivered.
type Subscribed struct {
	ID    uint16
	Codes []byte
}

func (ConnectionLost) event()  {}
func (Reconnecting) event()    {}
func (Reconnected) event()     {}
func (SameIDSuspected) event() {}
func (Subscribed) event()      {}

// Ack is the outcome of one QoS 1/2 publish (Options.OnAck): acknowledged, or refused with a reason code
// of 0x80 or more. Latency runs from the write of the PUBLISH to its PUBACK, or to its PUBCOMP at QoS 2 (a
// refused PUBREC ends it there); it is 0 for a message first written on a later connection.
type Ack struct {
	MID     uint16
	QoS     byte
	Reason  byte
	Refused bool
	Latency time.Duration
}
