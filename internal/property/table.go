package property

// command is mosquitto's CMD_* for the names mosquitto_string_to_command knows.
type command int

const (
	cmdConnect command = iota
	cmdConnack
	cmdPublish
	cmdPuback
	cmdPubrec
	cmdPubrel
	cmdPubcomp
	cmdSubscribe
	cmdUnsubscribe
	cmdDisconnect
	cmdAuth
	cmdWill
)

// commands lists the names -D accepts, compared without regard to ASCII case (strcasecmp). suback and
// unsuback are not among them, so mosquitto calls those an invalid command.
var commands = []string{
	cmdConnect: "connect", cmdConnack: "connack", cmdPublish: "publish", cmdPuback: "puback",
	cmdPubrec: "pubrec", cmdPubrel: "pubrel", cmdPubcomp: "pubcomp", cmdSubscribe: "subscribe",
	cmdUnsubscribe: "unsubscribe", cmdDisconnect: "disconnect", cmdAuth: "auth", cmdWill: "will",
}

// kind is a property's value type, numbered as mosquitto's MQTT_PROP_TYPE_*, because "Error adding
// property NAME N" prints that number.
type kind int

const (
	kindByte kind = iota + 1
	kindUint16
	kindUint32
	kindVarint
	kindBinary
	kindString
	kindPair
)

// id is the MQTT 5 property identifier.
type id byte

const (
	idPayloadFormat        id = 0x01
	idMessageExpiry        id = 0x02
	idContentType          id = 0x03
	idResponseTopic        id = 0x08
	idCorrelationData      id = 0x09
	idSubscriptionID       id = 0x0b
	idSessionExpiry        id = 0x11
	idAssignedClientID     id = 0x12
	idServerKeepAlive      id = 0x13
	idAuthMethod           id = 0x15
	idAuthData             id = 0x16
	idRequestProblemInfo   id = 0x17
	idWillDelay            id = 0x18
	idRequestResponseInfo  id = 0x19
	idResponseInfo         id = 0x1a
	idServerReference      id = 0x1c
	idReasonString         id = 0x1f
	idReceiveMaximum       id = 0x21
	idTopicAliasMaximum    id = 0x22
	idTopicAlias           id = 0x23
	idMaximumQoS           id = 0x24
	idRetainAvailable      id = 0x25
	idUser                 id = 0x26
	idMaximumPacketSize    id = 0x27
	idWildcardSubAvailable id = 0x28
	idSubIDAvailable       id = 0x29
	idSharedSubAvailable   id = 0x2a
)

type info struct {
	name string
	id   id
	kind kind
}

// props is mosquitto_string_to_property_info's table, in its order.
var props = []info{
	{"payload-format-indicator", idPayloadFormat, kindByte},
	{"message-expiry-interval", idMessageExpiry, kindUint32},
	{"content-type", idContentType, kindString},
	{"response-topic", idResponseTopic, kindString},
	{"correlation-data", idCorrelationData, kindBinary},
	{"subscription-identifier", idSubscriptionID, kindVarint},
	{"session-expiry-interval", idSessionExpiry, kindUint32},
	{"assigned-client-identifier", idAssignedClientID, kindString},
	{"server-keep-alive", idServerKeepAlive, kindUint16},
	{"authentication-method", idAuthMethod, kindString},
	{"authentication-data", idAuthData, kindBinary},
	{"request-problem-information", idRequestProblemInfo, kindByte},
	{"will-delay-interval", idWillDelay, kindUint32},
	{"request-response-information", idRequestResponseInfo, kindByte},
	{"response-information", idResponseInfo, kindString},
	{"server-reference", idServerReference, kindString},
	{"reason-string", idReasonString, kindString},
	{"receive-maximum", idReceiveMaximum, kindUint16},
	{"topic-alias-maximum", idTopicAliasMaximum, kindUint16},
	{"topic-alias", idTopicAlias, kindUint16},
	{"maximum-qos", idMaximumQoS, kindByte},
	{"retain-available", idRetainAvailable, kindByte},
	{"user-property", idUser, kindPair},
	{"maximum-packet-size", idMaximumPacketSize, kindUint32},
	{"wildcard-subscription-available", idWildcardSubAvailable, kindByte},
	{"subscription-identifier-available", idSubIDAvailable, kindByte},
	{"shared-subscription-available", idSharedSubAvailable, kindByte},
}

func lookupCommand(name string) (command, bool) {
	for c, n := range commands {
		if equalFoldASCII(name, n) {
			return command(c), true
		}
	}
	return 0, false
}

func lookupProperty(name string) (info, bool) {
	for _, p := range props {
		if equalFoldASCII(name, p.name) {
			return p, true
		}
	}
	return info{}, false
}

// equalFoldASCII is strcasecmp's idea of equal. strings.EqualFold would also fold Unicode, taking
// "uſer-property" (long s) for "user-property", which mosquitto refuses.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// allowed is mosquitto_property_check_command: whether MQTT 5 lets packet c carry property p, with the
// Will counted as a packet of its own.
func allowed(c command, p id) bool {
	switch p {
	case idPayloadFormat, idMessageExpiry, idContentType, idResponseTopic, idCorrelationData:
		return c == cmdPublish || c == cmdWill
	case idSubscriptionID:
		return c == cmdPublish || c == cmdSubscribe
	case idSessionExpiry:
		return c == cmdConnect || c == cmdConnack || c == cmdDisconnect
	case idAuthMethod, idAuthData:
		return c == cmdConnect || c == cmdConnack || c == cmdAuth
	case idAssignedClientID, idServerKeepAlive, idResponseInfo, idMaximumQoS, idRetainAvailable,
		idWildcardSubAvailable, idSubIDAvailable, idSharedSubAvailable:
		return c == cmdConnack
	case idWillDelay:
		return c == cmdWill
	case idRequestProblemInfo, idRequestResponseInfo:
		return c == cmdConnect
	case idServerReference:
		return c == cmdConnack || c == cmdDisconnect
	case idReasonString:
		// mosquitto lists where it may not go, so the Will takes one, though MQTT 5 gives the Will none
		// and a mosquitto broker drops such a connection.
		return c != cmdConnect && c != cmdPublish && c != cmdSubscribe && c != cmdUnsubscribe
	case idReceiveMaximum, idTopicAliasMaximum, idMaximumPacketSize:
		return c == cmdConnect || c == cmdConnack
	case idTopicAlias:
		return c == cmdPublish
	case idUser:
		return true
	}
	return false
}
