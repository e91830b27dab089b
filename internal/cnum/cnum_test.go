package cnum

import "testing"

func TestDecimalPrefix(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0}, {".", 0}, {"e5", 0}, {"1", 1}, {"12.5x", 4}, {".5", 2}, {"5.", 2},
		{"1e", 1}, {"1e+", 1}, {"1e+3", 4}, {"1.5E-2z", 6}, {"-1", 0},
	} {
		if got := DecimalPrefix(tt.in); got != tt.want {
			t.Errorf("DecimalPrefix(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if got := DecimalPrefix([]byte(tt.in)); got != tt.want {
			t.Errorf("DecimalPrefix([]byte(%q)) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
