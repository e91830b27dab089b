package property

import (
	"errors"
	"strings"
	"testing"
)

// propCase is one mosquitto_pub command line's -D arguments and what mosquitto prints for them: Text
// before the usage hint, or nothing when it accepts them (kind 0).
type propCase struct {
	args []string
	kind Kind
	text string
}

// run feeds args to a Set as mosquitto's parser would, then checks the lists as client_config_load does.
func run(args []string) (*Set, error) {
	var s Set
	for len(args) > 0 {
		if args[0] != "-D" {
			panic("test args must be -D groups")
		}
		n, err := s.Parse(args[1:])
		if err != nil {
			return &s, err
		}
		args = args[1+n:]
	}
	return &s, s.Check()
}

func (c propCase) check(t *testing.T) {
	t.Helper()
	_, err := run(c.args)
	if c.kind == 0 {
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
		}
		return
	}
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("%q: got %v, want %q", c.args, err, c.text)
	}
	if pe.Kind != c.kind || pe.Text != c.text {
		t.Errorf("%q:\n got %d %q\nwant %d %q", c.args, pe.Kind, pe.Text, c.kind, c.text)
	}
	if pe.Error() == "" || strings.HasSuffix(pe.Error(), "\n") {
		t.Errorf("%q: Error() = %q", c.args, pe.Error())
	}
}

var long = strings.Repeat("a", 65535)

// propCases covers argument counts, names, every value type and its range, and Check; every expected
// text was taken from mosquitto_pub 2.0.11 (TestCasesAgainstMosquitto checks them again).
var propCases = []propCase{
	// Argument counts come first, then command, name, command-property fit, user-property's 4th.
	{[]string{"-D"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "connect"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "bogus", "bogus"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "bogus", "bogus", "1"}, InvalidCommand, "Error: Invalid command given in --property argument.\n\n"},
	{[]string{"-D", "suback", "user-property", "a", "b"}, InvalidCommand, "Error: Invalid command given in --property argument.\n\n"},
	{[]string{"-D", "bogus", "user-property", "a"}, InvalidCommand, "Error: Invalid command given in --property argument.\n\n"},
	{[]string{"-D", "connect", "bogus", "1"}, InvalidName, "Error: Invalid property name given in --property argument.\n\n"},
	{[]string{"-D", "connack", "bogus", "1"}, InvalidName, "Error: Invalid property name given in --property argument.\n\n"},
	{[]string{"-D", "connect", "user-property", "a"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "connack", "user-property", "a"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "auth", "user-property", "a"}, NotEnoughArgs, notEnough},
	{[]string{"-D", "connect", "content-type", "a"}, NotAllowed, "Error: content-type property not allowed for connect in --property argument.\n\n"},
	{[]string{"-D", "connect", "content-type"}, NotEnoughArgs, notEnough},

	// Names and commands fold ASCII case, and are echoed as typed.
	{[]string{"-D", "CONNECT", "Content-Type", "a"}, NotAllowed, "Error: Content-Type property not allowed for CONNECT in --property argument.\n\n"},
	{[]string{"-D", "Publish", "CONTENT-TYPE", "a"}, 0, ""},
	{[]string{"-D", "publish", "uſer-property", "a", "b"}, InvalidName, "Error: Invalid property name given in --property argument.\n\n"},
	{[]string{"-D", "publish", "subscription-identifier", "zzz"}, NotSupported, "Error: subscription-identifier property not supported for publish in --property argument.\n\n"},

	// Numbers are read by atol and range-checked for their type.
	{[]string{"-D", "connect", "request-response-information", "1"}, 0, ""},
	{[]string{"-D", "connect", "request-response-information", "255"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "connect", "request-response-information", "256"}, OutOfRange, outOfRange("256", "request-response-information")},
	{[]string{"-D", "connect", "request-problem-information", "-5"}, OutOfRange, outOfRange("-5", "request-problem-information")},
	{[]string{"-D", "connect", "request-problem-information", " +1"}, 0, ""},
	{[]string{"-D", "connect", "request-problem-information", "1x"}, 0, ""},
	{[]string{"-D", "publish", "payload-format-indicator", "255"}, 0, ""},
	{[]string{"-D", "will", "payload-format-indicator", "2"}, 0, ""},
	{[]string{"-D", "will", "payload-format-indicator", "256"}, OutOfRange, outOfRange("256", "payload-format-indicator")},
	{[]string{"-D", "connect", "topic-alias-maximum", "65535"}, 0, ""},
	{[]string{"-D", "connect", "topic-alias-maximum", "0"}, 0, ""},
	{[]string{"-D", "connect", "topic-alias-maximum", "65536"}, OutOfRange, outOfRange("65536", "topic-alias-maximum")},
	{[]string{"-D", "connect", "receive-maximum", "-1"}, OutOfRange, outOfRange("-1", "receive-maximum")},
	{[]string{"-D", "connect", "receive-maximum", "0"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "connect", "receive-maximum", "abc"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "connect", "receive-maximum", "0x10"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "publish", "topic-alias", "0"}, BadList, protocolIn("PUBLISH")},
	{[]string{"-D", "connect", "maximum-packet-size", "4294967295"}, 0, ""},
	{[]string{"-D", "connect", "maximum-packet-size", "4294967296"}, OutOfRange, outOfRange("4294967296", "maximum-packet-size")},
	{[]string{"-D", "connect", "maximum-packet-size", "99999999999999999999"}, OutOfRange, outOfRange("9223372036854775807", "maximum-packet-size")},
	{[]string{"-D", "connect", "maximum-packet-size", "-99999999999999999999"}, OutOfRange, outOfRange("-9223372036854775808", "maximum-packet-size")},
	{[]string{"-D", "connect", "maximum-packet-size", ""}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "connect", "maximum-packet-size", "-0"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "connect", "maximum-packet-size", "\t010"}, 0, ""},
	{[]string{"-D", "connect", "session-expiry-interval", "1.9"}, 0, ""},
	{[]string{"-D", "will", "will-delay-interval", "1e3"}, 0, ""},
	{[]string{"-D", "subscribe", "subscription-identifier", "0"}, 0, ""},
	{[]string{"-D", "subscribe", "subscription-identifier", "268435455"}, 0, ""},
	{[]string{"-D", "subscribe", "subscription-identifier", "268435456"}, AddFailed, "Error adding property subscription-identifier 4\n"},
	{[]string{"-D", "subscribe", "subscription-identifier", "4294967295"}, AddFailed, "Error adding property subscription-identifier 4\n"},
	{[]string{"-D", "subscribe", "subscription-identifier", "4294967296"}, OutOfRange, outOfRange("4294967296", "subscription-identifier")},
	{[]string{"-D", "subscribe", "subscription-identifier", "-1"}, OutOfRange, outOfRange("-1", "subscription-identifier")},

	// Strings must be mosquitto's UTF-8; binary values only short enough.
	{[]string{"-D", "publish", "content-type", ""}, 0, ""},
	{[]string{"-D", "publish", "content-type", long}, 0, ""},
	{[]string{"-D", "publish", "content-type", "\x01"}, AddFailed, "Error adding property content-type 6\n"},
	{[]string{"-D", "publish", "content-type", "a\tb"}, AddFailed, "Error adding property content-type 6\n"},
	{[]string{"-D", "publish", "response-topic", "\xff"}, AddFailed, "Error adding property response-topic 6\n"},
	{[]string{"-D", "publish", "response-topic", long + "aa"}, AddFailed, "Error adding property response-topic 6\n"},
	{[]string{"-D", "publish", "response-topic", "a/+"}, 0, ""},
	{[]string{"-D", "disconnect", "reason-string", "\u0085"}, AddFailed, "Error adding property reason-string 6\n"},
	{[]string{"-D", "publish", "correlation-data", ""}, 0, ""},
	{[]string{"-D", "publish", "correlation-data", "\x01\x7f"}, 0, ""},
	{[]string{"-D", "publish", "correlation-data", long}, 0, ""},
	{[]string{"-D", "publish", "correlation-data", long + "a"}, TooLong, "Error: Property value too long for property correlation-data.\n\n"},
	{[]string{"-D", "connect", "authentication-data", long + "a"}, TooLong, "Error: Property value too long for property authentication-data.\n\n"},
	{[]string{"-D", "publish", "user-property", "", ""}, 0, ""},
	{[]string{"-D", "publish", "user-property", "\x01", "v"}, AddFailed, "Error adding property user-property 7\n"},
	{[]string{"-D", "publish", "user-property", long + "aa", "v"}, AddFailed, "Error adding property user-property 7\n"},
	{[]string{"-D", "publish", "user-property", "k", "\x01"}, 0, ""},
	{[]string{"-D", "publish", "user-property", "k", "a\nb"}, 0, ""},

	// Check: duplicates, and values MQTT forbids, the first in each list winning; lists in order.
	{[]string{"-D", "publish", "user-property", "a", "b", "-D", "publish", "user-property", "a", "c"}, 0, ""},
	{[]string{"-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b"}, BadList, duplicateIn("PUBLISH")},
	{[]string{"-D", "publish", "payload-format-indicator", "1", "-D", "publish", "payload-format-indicator", "1"}, BadList, duplicateIn("PUBLISH")},
	{[]string{"-D", "publish", "topic-alias", "1", "-D", "publish", "topic-alias", "0"}, BadList, duplicateIn("PUBLISH")},
	{[]string{"-D", "publish", "topic-alias", "0", "-D", "publish", "topic-alias", "1"}, BadList, protocolIn("PUBLISH")},
	{[]string{"-D", "subscribe", "subscription-identifier", "1", "-D", "subscribe", "subscription-identifier", "2"}, BadList, duplicateIn("SUBSCRIBE")},
	{[]string{"-D", "disconnect", "session-expiry-interval", "1", "-D", "disconnect", "session-expiry-interval", "2"}, BadList, duplicateIn("DISCONNECT")},
	{[]string{"-D", "will", "will-delay-interval", "1", "-D", "will", "will-delay-interval", "1"}, BadList, duplicateIn("Will")},
	{[]string{"-D", "connect", "session-expiry-interval", "5", "-D", "disconnect", "session-expiry-interval", "5"}, 0, ""},
	{[]string{"-D", "will", "request-problem-information", "2", "-D", "connect", "receive-maximum", "0"}, NotAllowed, "Error: request-problem-information property not allowed for will in --property argument.\n\n"},
	{[]string{"-D", "will", "message-expiry-interval", "1", "-D", "will", "message-expiry-interval", "1", "-D", "connect", "receive-maximum", "0"}, BadList, protocolIn("CONNECT")},
	{[]string{"-D", "will", "content-type", "a", "-D", "will", "content-type", "b", "-D", "unsubscribe", "user-property", "a", "b", "-D", "unsubscribe", "user-property", "a", "b"}, BadList, duplicateIn("Will")},
	{[]string{"-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b", "-D", "publish", "bogus", "x"}, InvalidName, "Error: Invalid property name given in --property argument.\n\n"},
	{[]string{"-D", "will", "reason-string", "r", "-D", "disconnect", "reason-string", "r", "-D", "disconnect", "server-reference", "s"}, 0, ""},
}

const notEnough = "Error: --property argument given but not enough arguments specified.\n\n"

func outOfRange(value, name string) string {
	return "Error: Property value (" + value + ") out of range for property " + name + ".\n\n"
}

func protocolIn(list string) string {
	return "Error in " + list + " properties: A network protocol error occurred when communicating with the broker.\n"
}

func duplicateIn(list string) string {
	return "Error in " + list + " properties: Duplicate property in property list\n"
}

func TestCases(t *testing.T) {
	for _, c := range propCases {
		c.check(t)
	}
}

func TestParseConsumes(t *testing.T) {
	var s Set
	for _, tt := range []struct {
		args []string
		n    int
	}{
		{[]string{"publish", "content-type", "a", "-t", "x"}, 3},
		{[]string{"publish", "User-Property", "k", "v", "-t"}, 4},
		{[]string{"publish", "user-property", "k", "v"}, 4},
	} {
		if n, err := s.Parse(tt.args); n != tt.n || err != nil {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.args, n, err, tt.n)
		}
	}
}

func TestUnsettableStillReadsAsAnError(t *testing.T) {
	var s Set
	err := s.Add("connack", "maximum-qos", "1")
	var pe *Error
	if !errors.As(err, &pe) || pe.Kind != Unsettable || pe.Text != "" || err.Error() == "" {
		t.Fatalf("connack: %#v", err)
	}
}

func TestHas(t *testing.T) {
	s, err := run([]string{"-D", "publish", "response-topic", "", "-D", "will", "user-property", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Publish.ResponseTopic != "" || !s.Has("publish", "response-topic") || !s.Has("WILL", "User-Property") {
		t.Error("Has misses a property given")
	}
	if s.Has("publish", "content-type") || s.Has("connect", "user-property") || s.Has("bogus", "x") {
		t.Error("Has finds a property not given")
	}
}
