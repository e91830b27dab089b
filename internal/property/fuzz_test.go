package property

import (
	"errors"
	"testing"
)

func FuzzAdd(f *testing.F) {
	for _, c := range propCases {
		a := append(c.args[min(1, len(c.args)):], "", "", "", "")
		f.Add(a[0], a[1], a[2], a[3])
	}
	f.Fuzz(func(t *testing.T, command, name, v1, v2 string) {
		var s Set
		for _, values := range [][]string{nil, {v1}, {v1, v2}} {
			err := s.Add(command, name, values...)
			var pe *Error
			if err != nil && !errors.As(err, &pe) && len(values) <= Arity(name) {
				t.Fatalf("Add(%q, %q, %q): %v is not an *Error", command, name, values, err)
			}
			if pe != nil && pe.Error() == "" {
				t.Fatalf("empty error for %q %q %q", command, name, values)
			}
		}
		n, err := s.Parse([]string{command, name, v1, v2})
		if err == nil && (n < 3 || n > 4) {
			t.Fatalf("Parse consumed %d", n)
		}
		_ = s.Check()
	})
}
