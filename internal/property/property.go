// Package property turns mosquitto's -D/--property COMMAND NAME VALUE arguments into MQTT 5 properties,
// refusing what mosquitto 2.0.11 refuses, in the same order and with the same words.
//
// Three things are left to the caller, as mosquitto does them outside the property parser: any -D
// switches mosquitto to MQTT 5 (a later -V still wins); -x adds session-expiry-interval to the CONNECT list
// after every -D, so call Add("connect", "session-expiry-interval", x) before Check to get mosquitto's
// duplicate error; and mosquitto's default-options file splits a line into at most two words, so -D there
// always fails with NotEnoughArgs.
package property

import (
	"fmt"

	"mqtt/internal/message"
)

// Set holds the properties given for each packet; a field stays nil until one is given for it.
type Set struct {
	Connect, Publish, Subscribe, Unsubscribe, Disconnect, Will *message.Properties

	// Strict refuses values mosquitto lets through or refuses obscurely, with messages of mqtt's own:
	// a number that is not a plain decimal (mosquitto's atol reads "10s" as 10 and "soon" as 0), a
	// payload-format-indicator above 1, and a string that is not MQTT UTF-8, said by what and where
	// instead of "Error adding property NAME 6". The mosquitto-named programs leave it off.
	Strict bool

	// given records each list in the order given, which decides Check's first complaint.
	given [cmdWill + 1][]given
}

type given struct {
	id id
	// bad: a value mosquitto_property_check_all forbids, which mosquitto reports only in Check.
	bad bool
}

// Arity is how many values property name takes: 2 for user-property (KEY VALUE), else 1, unknown names
// included, as mosquitto consumes. Parse uses it; so may a flag parser that does its own consuming.
func Arity(name string) int {
	if equalFoldASCII(name, "user-property") {
		return 2
	}
	return 1
}

// Parse reads one property from args, which start after -D, and returns how many it used (3, or 4 for
// user-property). On error the count is meaningless: mosquitto stops there.
func (s *Set) Parse(args []string) (int, error) {
	if len(args) < 3 {
		return 0, refuse(NotEnoughArgs, msgNotEnough)
	}
	n := min(2+Arity(args[1]), len(args))
	return n, s.Add(args[0], args[1], args[2:n]...)
}

// Add adds property name to packet command. Its checks run in mosquitto's order: enough arguments,
// command, name, whether MQTT 5 allows it there, the user-property's second value, whether the clients
// send it there, then the value. Errors are *Error, but for more values than the property takes.
func (s *Set) Add(command, name string, values ...string) error {
	if len(values) == 0 {
		return refuse(NotEnoughArgs, msgNotEnough)
	}
	c, ok := lookupCommand(command)
	if !ok {
		return refuse(InvalidCommand, msgInvalidCommand)
	}
	p, ok := lookupProperty(name)
	if !ok {
		return refuse(InvalidName, msgInvalidName)
	}
	if !allowed(c, p.id) {
		return refuse(NotAllowed, msgNotAllowed, name, command)
	}
	if want := Arity(name); len(values) < want {
		return refuse(NotEnoughArgs, msgNotEnough)
	} else if len(values) > want {
		return fmt.Errorf(fallbackTooMany, p.name, want, len(values))
	}
	switch c {
	case cmdConnack:
		return &Error{Kind: Unsettable}
	case cmdAuth, cmdPuback, cmdPubrec, cmdPubrel, cmdPubcomp:
		return refuse(NotSupported, msgNotSupported, name, command)
	case cmdPublish:
		if p.id == idSubscriptionID {
			return refuse(NotSupported, msgNotSupported, name, command)
		}
	}
	return s.add(c, p, name, values)
}

// Check reports what mosquitto's client_config_load finds in the lists once every argument is read:
// a property given twice (user-property excepted), or a value MQTT 5 forbids (request-problem-information
// or request-response-information above 1; receive-maximum, topic-alias or maximum-packet-size 0). Lists are checked in mosquitto's order
// and each from its first property, as the first complaint is the one printed.
func (s *Set) Check() error {
	for _, l := range []struct {
		c    command
		name string
	}{
		{cmdConnect, "CONNECT"}, {cmdPublish, "PUBLISH"}, {cmdSubscribe, "SUBSCRIBE"},
		{cmdUnsubscribe, "UNSUBSCRIBE"}, {cmdDisconnect, "DISCONNECT"}, {cmdWill, "Will"},
	} {
		list := s.given[l.c]
		for i, g := range list {
			if g.bad {
				return refuse(BadList, msgBadList, l.name, reasonProtocol)
			}
			if g.id == idUser {
				continue
			}
			for _, later := range list[i+1:] {
				if later.id == g.id {
					return refuse(BadList, msgBadList, l.name, reasonDuplicate)
				}
			}
		}
	}
	return nil
}

// Has reports whether property name was given for command. The Properties cannot always tell: an empty
// string reads as absent there. mosquitto_rr needs it, as any -D publish response-topic, even an empty
// one, clashes with the response topic it adds from -e (RRDuplicateResponseTopic).
func (s *Set) Has(command, name string) bool {
	c, ok := lookupCommand(command)
	p, known := lookupProperty(name)
	if !ok || !known {
		return false
	}
	for _, g := range s.given[c] {
		if g.id == p.id {
			return true
		}
	}
	return false
}

// target is the properties of packet c, created on first use.
func (s *Set) target(c command) *message.Properties {
	var pp **message.Properties
	switch c {
	case cmdConnect:
		pp = &s.Connect
	case cmdPublish:
		pp = &s.Publish
	case cmdSubscribe:
		pp = &s.Subscribe
	case cmdUnsubscribe:
		pp = &s.Unsubscribe
	case cmdDisconnect:
		pp = &s.Disconnect
	default:
		pp = &s.Will
	}
	if *pp == nil {
		*pp = &message.Properties{}
	}
	return *pp
}
