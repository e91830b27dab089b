package property

import (
	"errors"
	"fmt"
	"testing"
)

// The commands of -D in the column order of allowedMatrix.
var matrixCommands = []string{"connect", "publish", "subscribe", "unsubscribe", "disconnect", "will",
	"auth", "connack", "puback", "pubrec", "pubrel", "pubcomp"}

// allowedMatrix says what mosquitto does with each property on each command: y accepts it, n refuses it
// as not allowed by MQTT 5, s as not supported by the clients, c refuses it without a word (connack).
var allowedMatrix = []struct {
	name, codes string
}{
	{"payload-format-indicator", "nynnnynnnnnn"},
	{"message-expiry-interval", "nynnnynnnnnn"},
	{"content-type", "nynnnynnnnnn"},
	{"response-topic", "nynnnynnnnnn"},
	{"correlation-data", "nynnnynnnnnn"},
	{"subscription-identifier", "nsynnnnnnnnn"},
	{"session-expiry-interval", "ynnnynncnnnn"},
	{"assigned-client-identifier", "nnnnnnncnnnn"},
	{"server-keep-alive", "nnnnnnncnnnn"},
	{"authentication-method", "ynnnnnscnnnn"},
	{"authentication-data", "ynnnnnscnnnn"},
	{"request-problem-information", "ynnnnnnnnnnn"},
	{"will-delay-interval", "nnnnnynnnnnn"},
	{"request-response-information", "ynnnnnnnnnnn"},
	{"response-information", "nnnnnnncnnnn"},
	{"server-reference", "nnnnynncnnnn"},
	{"reason-string", "nnnnyyscssss"},
	{"receive-maximum", "ynnnnnncnnnn"},
	{"topic-alias-maximum", "ynnnnnncnnnn"},
	{"topic-alias", "nynnnnnnnnnn"},
	{"maximum-qos", "nnnnnnncnnnn"},
	{"retain-available", "nnnnnnncnnnn"},
	{"user-property", "yyyyyyscssss"},
	{"maximum-packet-size", "ynnnnnncnnnn"},
	{"wildcard-subscription-available", "nnnnnnncnnnn"},
	{"subscription-identifier-available", "nnnnnnncnnnn"},
	{"shared-subscription-available", "nnnnnnncnnnn"},
}

// matrixCase is the argument list and expected outcome of one cell of allowedMatrix.
func matrixCase(name, command string, code byte) propCase {
	args := []string{"-D", command, name, "1"}
	if name == "user-property" {
		args = append(args, "2")
	}
	switch code {
	case 'n':
		return propCase{args, NotAllowed, fmt.Sprintf("Error: %s property not allowed for %s in --property argument.\n\n", name, command)}
	case 's':
		return propCase{args, NotSupported, fmt.Sprintf("Error: %s property not supported for %s in --property argument.\n\n", name, command)}
	case 'c':
		return propCase{args, Unsettable, ""}
	}
	return propCase{args: args}
}

func TestEveryPropertyOnEveryCommand(t *testing.T) {
	if len(allowedMatrix) != len(props) {
		t.Fatalf("matrix has %d properties, the table %d", len(allowedMatrix), len(props))
	}
	for _, row := range allowedMatrix {
		for i, command := range matrixCommands {
			c := matrixCase(row.name, command, row.codes[i])
			t.Run(row.name+"/"+command, func(t *testing.T) { c.check(t) })
		}
	}
}

func TestArity(t *testing.T) {
	for _, p := range props {
		want := 1
		if p.kind == kindPair {
			want = 2
		}
		if got := Arity(p.name); got != want {
			t.Errorf("Arity(%q) = %d, want %d", p.name, got, want)
		}
	}
	if Arity("User-Property") != 2 || Arity("bogus") != 1 {
		t.Error("Arity must fold ASCII case and take 1 for unknown names")
	}
}

func TestTooManyValuesIsACallerError(t *testing.T) {
	var s Set
	err := s.Add("publish", "content-type", "a", "b")
	var pe *Error
	if err == nil || errors.As(err, &pe) {
		t.Fatalf("Add with two values for content-type: %v", err)
	}
}
