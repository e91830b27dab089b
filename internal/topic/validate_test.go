package topic

import (
	"errors"
	"strings"
	"testing"
)

func TestValidatePublish(t *testing.T) {
	tests := []struct {
		topic string
		want  error
	}{
		{"a", nil},
		{"a/b/c", nil},
		{"/", nil},
		{"a//b", nil},
		{"$SYS/x", nil},
		{"caf\u00e9/\u6f22\u5b57/\U0001F600", nil},
		{"a b", nil},
		{strings.Repeat("a", MaxLen), nil},
		{"", ErrEmpty},
		{"+", ErrWildcard},
		{"#", ErrWildcard},
		{"a/+/b", ErrWildcard},
		{"a/#", ErrWildcard},
		{"a+b", ErrWildcard},
		{"a\tb", ErrMalformedUTF8},
		{"a\x00b", ErrMalformedUTF8},
		{"\xff", ErrMalformedUTF8},
		{"+\xff", ErrMalformedUTF8}, // UTF-8 is checked before wildcards
		{strings.Repeat("a", MaxLen+1), ErrTooLong},
		{strings.Repeat("a", MaxLen) + "#", ErrWildcard},
	}
	for _, tt := range tests {
		if err := ValidatePublish(tt.topic); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("ValidatePublish(%.20q) = %v, want %v", tt.topic, err, tt.want)
		}
	}
}

func TestValidateFilter(t *testing.T) {
	tests := []struct {
		filter string
		want   error
	}{
		{"a", nil},
		{"#", nil},
		{"+", nil},
		{"a/#", nil},
		{"a/+", nil},
		{"+/+", nil},
		{"+/a/#", nil},
		{"/#", nil},
		{"a//+//#", nil},
		{"$SYS/#", nil},
		{"$share/g/a/+", nil},
		{"", ErrEmpty},
		{"a/#/b", ErrBadWildcard},
		{"#/a", ErrBadWildcard},
		{"##", ErrBadWildcard},
		{"a#", ErrBadWildcard},
		{"a/b#", ErrBadWildcard},
		{"#a", ErrBadWildcard},
		{"a+", ErrBadWildcard},
		{"+a", ErrBadWildcard},
		{"a/+b/c", ErrBadWildcard},
		{"++", ErrBadWildcard},
		{"a/\u0085", ErrMalformedUTF8},
		{"a/#\xc0\x80", ErrMalformedUTF8},
		{strings.Repeat("a", MaxLen-2) + "/#", nil},
		{strings.Repeat("a", MaxLen-1) + "/#", ErrTooLong},
	}
	for _, tt := range tests {
		if err := ValidateFilter(tt.filter); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("ValidateFilter(%.20q) = %v, want %v", tt.filter, err, tt.want)
		}
	}
}

// Past 65536 bytes mosquitto says "Malformed UTF-8"; at exactly 65536 it says the topic is invalid.
func TestTooLongIsAlsoMalformedPastMosquittoLimit(t *testing.T) {
	at := strings.Repeat("a", MaxLen+1)
	past := strings.Repeat("a", MaxLen+2)
	for _, check := range []func(string) error{ValidatePublish, ValidateFilter} {
		if err := check(at); !errors.Is(err, ErrTooLong) || errors.Is(err, ErrMalformedUTF8) {
			t.Errorf("65536 bytes: %v, want ErrTooLong only", err)
		}
		if err := check(past); !errors.Is(err, ErrTooLong) || !errors.Is(err, ErrMalformedUTF8) {
			t.Errorf("65537 bytes: %v, want ErrTooLong and ErrMalformedUTF8", err)
		}
		if err := check(past + "+"); !errors.Is(err, ErrMalformedUTF8) {
			t.Errorf("65538 bytes with '+': %v, want ErrMalformedUTF8", err)
		}
	}
}
