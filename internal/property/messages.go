package property

import (
	"fmt"
	"strings"
)

// What mosquitto 2.0.11's clients print when they refuse a -D/--property argument (client/client_props.c,
// lib/property_mosq.c and client/client_shared.c, checked against the installed programs). NAME and
// COMMAND are echoed as the user typed them. Every refusal exits 1 and is followed on stderr by
// "\nUse 'PROGRAM --help' to see usage.\n"; all three programs print the same texts.
const (
	msgNotEnough      = "Error: --property argument given but not enough arguments specified.\n\n"
	msgInvalidCommand = "Error: Invalid command given in --property argument.\n\n"
	msgInvalidName    = "Error: Invalid property name given in --property argument.\n\n"
	msgNotAllowed     = "Error: %s property not allowed for %s in --property argument.\n\n"
	msgNotSupported   = "Error: %s property not supported for %s in --property argument.\n\n"
	msgOutOfRange     = "Error: Property value (%d) out of range for property %s.\n\n"
	msgTooLong        = "Error: Property value too long for property %s.\n\n"
	// The number is the value type: 4 subscription identifier, 6 string, 7 user property.
	msgAddFailed = "Error adding property %s %d\n"

	// Check's, one per list: the list is CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT or Will,
	// the reason one of the two below (mosquitto_strerror's words).
	msgBadList      = "Error in %s properties: %s\n"
	reasonProtocol  = "A network protocol error occurred when communicating with the broker."
	reasonDuplicate = "Duplicate property in property list"
)

// Ours, where mosquitto has no words: Error() of an Unsettable refusal, and a caller's mistake; and
// Strict's refusals, worded like mosquitto's neighbouring ones.
const (
	msgNotANumber  = "Error: Property value (%s) is not a number for property %s.\n\n"
	msgStrictUTF8  = "Error: Malformed UTF-8 in property value for %s: %s at byte %d.\n\n"
	msgStrictUTF8K = "Error: Malformed UTF-8 in property name for %s: %s at byte %d.\n\n"

	fallbackUnsettable = "properties cannot be given for connack"
	fallbackTooMany    = "property %s takes %d value(s), got %d"
)

// RRDuplicateResponseTopic is printed (not under --quiet) by mosquitto_rr, after Check, when -D publish
// response-topic clashes with the response topic it adds from -e. It exits 1 without the usage hint.
const RRDuplicateResponseTopic = "Error in PUBLISH properties: Duplicate response topic.\n"

// Kind says which of mosquitto's refusals an Error is.
type Kind int

const (
	NotEnoughArgs  Kind = iota + 1 // fewer than COMMAND NAME VALUE (KEY VALUE for user-property)
	InvalidCommand                 // COMMAND is not a packet name mosquitto knows
	InvalidName                    // NAME is not an MQTT 5 property
	NotAllowed                     // MQTT 5 does not allow NAME in COMMAND
	NotSupported                   // allowed by MQTT 5, but the clients never send it there
	Unsettable                     // connack: mosquitto refuses it without a word
	OutOfRange                     // a number outside its type's range
	TooLong                        // binary value longer than 65535 bytes
	AddFailed                      // bad UTF-8, or a subscription identifier past 268435455
	BadList                        // from Check: a duplicate, or a value MQTT forbids such as 0 or 2
	NotANumber                     // Strict only: a number that is not a plain decimal
)

// Error is one refused property argument.
type Error struct {
	Kind Kind
	// Text is what mosquitto prints on stderr, byte for byte with its trailing newlines, before the usage
	// hint; it is empty for Unsettable. BadList texts go through mosquitto's err_printf, which --quiet
	// silences; the others are printed whatever --quiet says.
	Text string
}

// Error is Text without its trailing newlines, so that it reads as a Go error.
func (e *Error) Error() string {
	if e.Text == "" {
		return fallbackUnsettable
	}
	return strings.TrimRight(e.Text, "\n")
}

func refuse(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Text: fmt.Sprintf(format, args...)}
}
