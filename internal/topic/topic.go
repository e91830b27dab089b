// Package topic checks MQTT topic names and subscription filters the way mosquitto 2.0's clients do, and
// matches topics against filters. The checks return sentinel errors rather than text because each
// mosquitto program words the refusal for its own option; messages.go holds those words.
package topic

import "errors"

// MaxLen is the longest topic or filter MQTT can carry: its length is a 16-bit prefix.
const MaxLen = 65535

var (
	// ErrEmpty: MQTT has no empty topic name or filter. mosquitto does not refuse one while parsing its
	// arguments (see messages.go for what happens instead), so the caller decides what to do.
	ErrEmpty = errors.New("topic is empty")
	// ErrMalformedUTF8: not UTF-8 as mosquitto_validate_utf8 defines it (see ValidUTF8).
	ErrMalformedUTF8 = errors.New("malformed UTF-8")
	// ErrTooLong: longer than MaxLen bytes.
	ErrTooLong = errors.New("longer than 65535 bytes")
	// ErrWildcard: a topic to publish to contains '+' or '#'.
	ErrWildcard = errors.New("topic contains '+' or '#'")
	// ErrBadWildcard: a filter has '#' other than alone in its last level, or '+' not alone in its level.
	ErrBadWildcard = errors.New("misplaced '+' or '#' wildcard")
)

// tooLongUTF8 is a topic past 65536 bytes. mosquitto_validate_utf8 refuses those before looking at a
// single byte, so mosquitto reports them as malformed UTF-8; the error is both, so that a caller that
// prints mosquitto's message (checking ErrMalformedUTF8 first) gets the same one.
type tooLongUTF8 struct{}

func (tooLongUTF8) Error() string { return "longer than 65535 bytes" }

func (tooLongUTF8) Is(target error) bool { return target == ErrTooLong || target == ErrMalformedUTF8 }

// ValidatePublish checks a topic name to publish to (-t of mosquitto_pub and mosquitto_rr, -e,
// --will-topic). Errors are checked in mosquitto's order: UTF-8 first, then wildcards and length.
func ValidatePublish(topic string) error {
	if err := checkString(topic); err != nil {
		return err
	}
	for i := 0; i < len(topic); i++ {
		if topic[i] == '+' || topic[i] == '#' {
			return ErrWildcard
		}
	}
	return checkLen(topic)
}

// ValidateFilter checks a subscription filter (-t of mosquitto_sub, -T, -U).
func ValidateFilter(filter string) error {
	if err := checkString(filter); err != nil {
		return err
	}
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		if c != '+' && c != '#' {
			continue
		}
		startsLevel := i == 0 || filter[i-1] == '/'
		last := i == len(filter)-1
		endsLevel := last || filter[i+1] == '/'
		if !startsLevel || !endsLevel || (c == '#' && !last) {
			return ErrBadWildcard
		}
	}
	return checkLen(filter)
}

func checkString(s string) error {
	if len(s) > MaxLen+1 {
		return tooLongUTF8{}
	}
	if !ValidUTF8(s) {
		return ErrMalformedUTF8
	}
	if s == "" {
		return ErrEmpty
	}
	return nil
}

func checkLen(s string) error {
	if len(s) > MaxLen {
		return ErrTooLong
	}
	return nil
}
