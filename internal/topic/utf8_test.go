package topic

import "testing"

func TestValidUTF8(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", true},
		{"plain ascii ~", true},
		{"\u00a0\u00e9\u07ff", true},
		{"\u0800\ufdcf\ufdf0\ufffd", true},
		{"\U00010000\U0010fffd", true},
		{"\x00", false},
		{"\x01", false},
		{"\t", false},
		{"\n", false},
		{"\x1f", false},
		{"\x7f", false},
		{"\u0080", false},
		{"\u009f", false},
		{"\ufdd0", false},
		{"\ufdef", false},
		{"\ufffe", false},
		{"\uffff", false},
		{"\U0001fffe", false},
		{"\U0010ffff", false},
		{"\xed\xa0\x80", false},     // surrogate U+D800
		{"\xc0\x80", false},         // overlong NUL
		{"\xe0\x80\xaf", false},     // overlong '/'
		{"\xf0\x80\x80\xaf", false}, // overlong '/'
		{"\xf4\x90\x80\x80", false}, // past U+10FFFF
		{"\xf5\x80\x80\x80", false},
		{"\x80", false},
		{"\xe2\x82", false}, // truncated
		{"a\xe2\x82", false},
		{"\xe2\x82a", false},
	}
	for _, tt := range tests {
		if got := ValidUTF8(tt.s); got != tt.want {
			t.Errorf("ValidUTF8(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := mosquittoValidateUTF8(tt.s); got != tt.want {
			t.Errorf("reference(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if _, _, bad := FirstInvalid(tt.s); bad == tt.want {
			t.Errorf("FirstInvalid(%q) says bad=%v, ValidUTF8 says %v", tt.s, bad, tt.want)
		}
	}
}

func TestFirstInvalid(t *testing.T) {
	tests := []struct {
		s    string
		at   int
		what string
	}{
		{"a\x00b", 1, "NUL (U+0000)"},
		{"ab\tc", 2, "control character U+0009"},
		{"\u0085", 0, "control character U+0085"},
		{"caf\xe9", 3, "invalid byte 0xe9"},
		{"\xc0\x80", 0, "invalid byte 0xc0"},
		{"\u00e9\xed\xa0\x80", 2, "invalid byte 0xed"},
		{"x\uffff", 1, "non-character U+FFFF"},
		{"\U0001fffe", 0, "non-character U+1FFFE"},
	}
	for _, tt := range tests {
		at, what, bad := FirstInvalid(tt.s)
		if !bad || at != tt.at || what != tt.what {
			t.Errorf("FirstInvalid(%q) = %d, %q, %v; want %d, %q", tt.s, at, what, bad, tt.at, tt.what)
		}
	}
}

// mosquittoValidateUTF8 is lib/utf8_mosq.c transcribed, minus its length limit, as an oracle for the fuzz
// test. Where the C code reads past the end of a truncated sequence it meets the string's NUL, which is
// not a continuation byte, so running out here counts as malformed.
func mosquittoValidateUTF8(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		var codelen, cp int
		switch {
		case c == 0:
			return false
		case c <= 0x7f:
			codelen, cp = 1, int(c)
		case c&0xe0 == 0xc0:
			if c == 0xc0 || c == 0xc1 {
				return false
			}
			codelen, cp = 2, int(c&0x1f)
		case c&0xf0 == 0xe0:
			codelen, cp = 3, int(c&0x0f)
		case c&0xf8 == 0xf0:
			if c > 0xf4 {
				return false
			}
			codelen, cp = 4, int(c&0x07)
		default:
			return false
		}
		for j := 0; j < codelen-1; j++ {
			i++
			if i >= len(s) || s[i]&0xc0 != 0x80 {
				return false
			}
			cp = cp<<6 | int(s[i]&0x3f)
		}
		switch {
		case cp >= 0xd800 && cp <= 0xdfff:
			return false
		case codelen == 3 && cp < 0x0800:
			return false
		case codelen == 4 && (cp < 0x10000 || cp > 0x10ffff):
			return false
		case cp >= 0xfdd0 && cp <= 0xfdef:
			return false
		case cp&0xffff == 0xfffe || cp&0xffff == 0xffff:
			return false
		case cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f):
			return false
		}
	}
	return true
}
