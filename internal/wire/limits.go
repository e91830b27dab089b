package wire

// MaxVarint is the largest value of a variable byte integer: four bytes of seven bits.
const MaxVarint = 268435455

// MaxRemaining is the largest remaining length a packet can have, and so the most a PUBLISH can carry
// (its topic takes a little of it).
const MaxRemaining = MaxVarint

// MaxPacketID is the largest packet identifier; 0 is not one.
const MaxPacketID = 65535

// The windows of unacknowledged QoS 1/2 publishes a client keeps when it is not told otherwise: one per
// QoS, because the reasons differ.
const (
	// InflightQoS1: past about 100, a bigger window gains nothing against a local mosquitto (50,000 QoS 1
	// lines: 0.38 s at 20, 0.30 s at 100 and at 1000), and holds more to lose if the connection drops.
	InflightQoS1 = 100
	// InflightQoS2: mosquitto drops a 3.1.1 client with more QoS 2 messages in flight than its
	// max_inflight_messages (20 by default), and 3.1.1 has no way to learn the limit. It is also the
	// window of a session that does not know which QoS it will publish at.
	InflightQoS2 = 20
)

// DefaultReceiveMaximum is the receive-maximum of a v5 CONNECT that does not give one: libmosquitto's,
// which its clients always send.
const DefaultReceiveMaximum = 20
