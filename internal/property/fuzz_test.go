package property

import (
	"errors"
	"strings"
	"testing"
)

// FuzzAdd: no -D argument panics; every refusal is an *Error in mosquitto's form ("Error..." ending in a
// newline, as the programs print it before the usage hint); and Strict only ever refuses more: what it
// accepts mosquitto accepts, and what mosquitto refuses it refuses.
func FuzzAdd(f *testing.F) {
	for _, c := range propCases {
		a := append(c.args[min(1, len(c.args)):], "", "", "", "")
		f.Add(a[0], a[1], a[2], a[3])
	}
	f.Add("publish", "message-expiry-interval", "10s", "")
	f.Add("publish", "payload-format-indicator", "2", "")
	f.Add("publish", "user-property", "k", "\xff")
	f.Fuzz(func(t *testing.T, command, name, v1, v2 string) {
		for _, values := range [][]string{nil, {v1}, {v1, v2}} {
			var lax, strict Set
			strict.Strict = true
			laxErr := lax.Add(command, name, values...)
			strictErr := strict.Add(command, name, values...)
			if len(values) > Arity(name) {
				continue // a caller's mistake, with an error of its own
			}
			for _, err := range []error{laxErr, strictErr} {
				var pe *Error
				if err != nil && !errors.As(err, &pe) {
					t.Fatalf("Add(%q, %q, %q): %v is not an *Error", command, name, values, err)
				}
				if pe != nil && pe.Kind != Unsettable && (!strings.HasPrefix(pe.Text, "Error") || !strings.HasSuffix(pe.Text, "\n")) {
					t.Fatalf("Add(%q, %q, %q): %q is not worded as mosquitto's", command, name, values, pe.Text)
				}
			}
			if strictErr == nil && laxErr != nil {
				t.Fatalf("Add(%q, %q, %q): Strict accepts what mosquitto refuses (%v)", command, name, values, laxErr)
			}
		}
		var s Set
		n, err := s.Parse([]string{command, name, v1, v2})
		if err == nil && (n < 3 || n > 4) {
			t.Fatalf("Parse consumed %d", n)
		}
		_ = s.Check()
	})
}
