package wire

// Protocol versions, as the protocol level byte of CONNECT says them.
const (
	V31  byte = 3
	V311 byte = 4
	V5   byte = 5
)

// Packet types, as the high nibble of the first byte.
const (
	TypeConnect     = 1
	TypeConnack     = 2
	TypePublish     = 3
	TypePuback      = 4
	TypePubrec      = 5
	TypePubrel      = 6
	TypePubcomp     = 7
	TypeSubscribe   = 8
	TypeSuback      = 9
	TypeUnsubscribe = 10
	TypeUnsuback    = 11
	TypePingreq     = 12
	TypePingresp    = 13
	TypeDisconnect  = 14
	TypeAuth        = 15
)
