package wire

// CONNACK return codes of MQTT 3.1 and 3.1.1.
const (
	ConnackAccepted          = 0
	ConnackBadProtocol       = 1
	ConnackIDRejected        = 2
	ConnackServerUnavailable = 3
	ConnackBadCredentials    = 4
	ConnackNotAuthorized     = 5
)

// MQTT 5 reason codes that mqtt acts on. A code of ReasonFailure or more is a failure (see Failed).
const (
	ReasonFailure             = 0x80 // "Unspecified error", and the first of the failures
	ReasonUnsupportedProtocol = 0x84
	ReasonSessionTakenOver    = 0x8E
)

// Failed says whether a reason code (or a SUBACK's granted QoS) is a refusal.
func Failed(code byte) bool { return code >= ReasonFailure }

// The wording is libmosquitto's (mosquitto_connack_string, mosquitto_reason_string), so that a script
// grepping mosquitto's messages keeps working.

var connackV3 = [...]string{
	"Connection Accepted.",
	"Connection Refused: unacceptable protocol version.",
	"Connection Refused: identifier rejected.",
	"Connection Refused: broker unavailable.",
	"Connection Refused: bad user name or password.",
	"Connection Refused: not authorised.",
}

var reasonV5 = map[byte]string{
	0x00: "Success",
	0x01: "Granted QoS 1",
	0x02: "Granted QoS 2",
	0x04: "Disconnect with Will Message",
	0x10: "No matching subscribers",
	0x11: "No subscription existed",
	0x18: "Continue authentication",
	0x19: "Re-authenticate",
	0x80: "Unspecified error",
	0x81: "Malformed Packet",
	0x82: "Protocol Error",
	0x83: "Implementation specific error",
	0x84: "Unsupported Protocol Version",
	0x85: "Client Identifier not valid",
	0x86: "Bad User Name or Password",
	0x87: "Not authorized",
	0x88: "Server unavailable",
	0x89: "Server busy",
	0x8A: "Banned",
	0x8B: "Server shutting down",
	0x8C: "Bad authentication method",
	0x8D: "Keep Alive timeout",
	0x8E: "Session taken over",
	0x8F: "Topic Filter invalid",
	0x90: "Topic Name invalid",
	0x91: "Packet Identifier in use",
	0x92: "Packet Identifier not found",
	0x93: "Receive Maximum exceeded",
	0x94: "Topic Alias invalid",
	0x95: "Packet too large",
	0x96: "Message rate too high",
	0x97: "Quota exceeded",
	0x98: "Administrative action",
	0x99: "Payload format invalid",
	0x9A: "Retain not supported",
	0x9B: "QoS not supported",
	0x9C: "Use another server",
	0x9D: "Server moved",
	0x9E: "Shared Subscriptions not supported",
	0x9F: "Connection rate exceeded",
	0xA0: "Maximum connect time",
	0xA1: "Subscription identifiers not supported",
	0xA2: "Wildcard Subscriptions not supported",
}

// ConnackText is mosquitto's text for a CONNACK code of the given protocol version.
func ConnackText(version, code byte) string {
	if version == V5 {
		return ReasonText(code)
	}
	if int(code) < len(connackV3) {
		return connackV3[code]
	}
	return "Connection Refused: unknown reason."
}

// ReasonText is mosquitto's text for an MQTT 5 reason code.
func ReasonText(code byte) string {
	if s, ok := reasonV5[code]; ok {
		return s
	}
	return "Unknown reason"
}
