package format

import (
	"errors"
	"strconv"
	"strings"
)

// Every text this package can show a user, worded as mosquitto_sub 2.0.11 words it (client_shared.c and
// sub_client_output.c), so that a link named mosquitto_sub prints the same stderr. mosquitto prefixes each with
// "Error: "; the command adds that prefix when it prints, as it does for every other error. NotFloatError's text,
// which only DialectMQTT can meet, is mqtt's own in the same style.
const (
	msgIncompleteFormat = "Incomplete format specifier."
	msgInvalidFormat    = "Invalid format specifier '%c'."
	msgIncompleteEscape = "Incomplete escape specifier."
	msgInvalidEscape    = "Invalid escape specifier '%c'."
	msgNotJSON          = "Message payload is not valid JSON on topic %s."
)

var (
	// ErrIncompleteFormat: a % (after any flags, width and precision) or an @ ends the format string.
	ErrIncompleteFormat = errors.New(msgIncompleteFormat)
	// ErrIncompleteEscape: a \ ends the format string.
	ErrIncompleteEscape = errors.New(msgIncompleteEscape)
)

// SpecifierError is a % or \ sequence that mosquitto_sub does not know.
type SpecifierError struct {
	Escape bool // a \ sequence rather than a % one
	Char   byte // the offending byte; mosquitto prints it raw, even when it starts a multi-byte character
}

func (e *SpecifierError) Error() string {
	msg := msgInvalidFormat
	if e.Escape {
		msg = msgInvalidEscape
	}
	return strings.Replace(msg, "%c", string([]byte{e.Char}), 1)
}

// NotJSONError reports that %J met a payload that is not JSON. mosquitto prints the rest of the format anyway and
// reports the failure once per %J, so Count says how many lines the caller should print to match it.
type NotJSONError struct {
	Topic string
	Count int
}

func (e *NotJSONError) Error() string {
	return strings.Replace(msgNotJSON, "%s", cString(e.Topic), 1)
}

// NotFloatError reports that %f or %d met a payload of another size than a float's (4 bytes) or a double's (8).
// As in mosquitto 2.1 that field prints nothing and the rest of the format is printed. Floats and Doubles count
// the %f and %d steps that failed; mosquitto 2.1 says "requested float printing, but non-float data received"
// once for each, without a newline, and mqtt says once per message what the payload should have been.
type NotFloatError struct {
	Topic           string
	Size            int // of the payload, in bytes
	Floats, Doubles int
}

func (e *NotFloatError) Error() string {
	var want string
	switch {
	case e.Floats > 0 && e.Doubles > 0:
		want = "the 4 of a float for %f nor the 8 of a double for %d"
	case e.Floats > 0:
		want = "the 4 of a float for %f"
	default:
		want = "the 8 of a double for %d"
	}
	return "Message payload on topic " + cString(e.Topic) + " is " + strconv.Itoa(e.Size) + " bytes, not " + want + "."
}
