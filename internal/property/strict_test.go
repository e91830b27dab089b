package property

import (
	"strings"
	"testing"
)

// Strict refuses what mosquitto misreads or refuses obscurely, and leaves the rest to mosquitto's checks.
func TestStrict(t *testing.T) {
	long := strings.Repeat("a", maxString)
	cases := []struct {
		command, name string
		values        []string
		kind          Kind
		text          string // without mosquitto's trailing blank line
	}{
		{"publish", "message-expiry-interval", []string{"10s"}, NotANumber, "Error: Property value (10s) is not a number for property message-expiry-interval."},
		{"publish", "message-expiry-interval", []string{""}, NotANumber, "Error: Property value () is not a number for property message-expiry-interval."},
		{"publish", "message-expiry-interval", []string{" 5"}, NotANumber, "Error: Property value ( 5) is not a number for property message-expiry-interval."},
		{"connect", "receive-maximum", []string{"0x10"}, NotANumber, "Error: Property value (0x10) is not a number for property receive-maximum."},
		{"publish", "payload-format-indicator", []string{"2"}, OutOfRange, "Error: Property value (2) out of range for property payload-format-indicator."},
		{"subscribe", "subscription-identifier", []string{"268435456"}, OutOfRange, "Error: Property value (268435456) out of range for property subscription-identifier."},
		{"publish", "content-type", []string{"a\xff"}, AddFailed, "Error: Malformed UTF-8 in property value for content-type: invalid byte 0xff at byte 1."},
		{"publish", "content-type", []string{long + "a"}, TooLong, "Error: Property value too long for property content-type."},
		{"publish", "user-property", []string{"\tk", "v"}, AddFailed, "Error: Malformed UTF-8 in property name for user-property: control character U+0009 at byte 0."},
		{"publish", "user-property", []string{"k", "\t\x00"}, AddFailed, "Error: Malformed UTF-8 in property value for user-property: NUL (U+0000) at byte 1."},
		// mosquitto's own checks and words, where they are clear.
		{"publish", "message-expiry-interval", []string{"-1"}, OutOfRange, "Error: Property value (-1) out of range for property message-expiry-interval."},
		{"publish", "message-expiry-interval", []string{"99999999999999999999"}, OutOfRange, "Error: Property value (9223372036854775807) out of range for property message-expiry-interval."},
		{"connect", "topic-alias-maximum", []string{"65536"}, OutOfRange, "Error: Property value (65536) out of range for property topic-alias-maximum."},
		// Accepted: what MQTT allows, a control character in a user property's value included.
		{"publish", "message-expiry-interval", []string{"+10"}, 0, ""},
		{"publish", "payload-format-indicator", []string{"1"}, 0, ""},
		{"publish", "user-property", []string{"k", "a\tb"}, 0, ""},
	}
	for _, c := range cases {
		s := Set{Strict: true}
		err := s.Add(c.command, c.name, c.values...)
		if c.kind == 0 {
			if err != nil {
				t.Errorf("%s %s %q: %v", c.command, c.name, c.values, err)
			}
			continue
		}
		pe, ok := err.(*Error)
		if !ok || pe.Kind != c.kind || pe.Error() != c.text || !strings.HasSuffix(pe.Text, "\n\n") {
			t.Errorf("%s %s %q: %#v, want kind %d %q", c.command, c.name, c.values, err, c.kind, c.text)
		}
		// Without Strict, mosquitto's reading: these either pass or fail in its words.
		var lax Set
		if err := lax.Add(c.command, c.name, c.values...); err != nil && err.(*Error).Kind == NotANumber {
			t.Errorf("%s %s %q: NotANumber without Strict", c.command, c.name, c.values)
		}
	}
}
