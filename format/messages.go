package format

import (
	"errors"
	"strings"
)

// Every text this package can show a user, worded as mosquitto_sub 2.0.11 words it (client_shared.c and
// sub_client_output.c), so that a link named mosquitto_sub prints the same stderr. mosquitto prefixes each with
// "Error: "; the command adds that prefix when it prints, as it does for every other error.
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
