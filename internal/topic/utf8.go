package topic

import (
	"fmt"
	"unicode/utf8"
)

// ValidUTF8 reports whether s passes mosquitto_validate_utf8 (lib/utf8_mosq.c), which every MQTT string
// mosquitto sends goes through, and which a mosquitto broker applies to what it receives. It is stricter
// than utf8.ValidString: besides malformed, overlong and surrogate encodings it refuses U+0000, the
// control characters U+0001-U+001F and U+007F-U+009F (so tab and newline too), and the non-characters
// U+FDD0-U+FDEF and U+nFFFE/U+nFFFF. It does not look at length: mosquitto's own limit of 65536 bytes
// is applied by the callers here.
func ValidUTF8(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= 0x1f || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if r <= 0x9f || (r >= 0xfdd0 && r <= 0xfdef) || r&0xfffe == 0xfffe {
			return false
		}
		i += size
	}
	return true
}

// FirstInvalid finds the first character ValidUTF8 refuses, so that a message can say what and where:
// at is its byte offset, what names it ("NUL (U+0000)", "control character U+0009", "invalid byte 0xe9",
// "non-character U+FFFE"). ok is false when s is valid.
func FirstInvalid(s string) (at int, what string, ok bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0:
			return i, "NUL (U+0000)", true
		case r == utf8.RuneError && size == 1:
			return i, fmt.Sprintf("invalid byte 0x%02x", s[i]), true
		case r <= 0x1f || (r >= 0x7f && r <= 0x9f):
			return i, fmt.Sprintf("control character U+%04X", r), true
		case (r >= 0xfdd0 && r <= 0xfdef) || r&0xfffe == 0xfffe:
			return i, fmt.Sprintf("non-character U+%04X", r), true
		}
		i += size
	}
	return 0, "", false
}
