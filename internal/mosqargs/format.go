package mosqargs

// checkFormat is check_format: it validates -F at parse time so that a bad format is a usage error,
// while the formatting itself happens per message. Only one flag character is allowed, unlike printf.
func checkFormat(s string) *failure {
	n := len(s)
	for i := 0; i < n; i++ {
		switch s[i] {
		case '%':
			if i == n-1 {
				return failMsg(msgFormatIncomplete)
			}
			if s[i+1] == '0' || s[i+1] == '-' {
				i++
				if i == n-1 {
					return failMsg(msgFormatIncomplete)
				}
			}
			for isDigit(s[i+1]) {
				i++
				if i == n-1 {
					return failMsg(msgFormatIncomplete)
				}
			}
			if s[i+1] == '.' {
				i++
				if i == n-1 {
					return failMsg(msgFormatIncomplete)
				}
				for isDigit(s[i+1]) {
					i++
					if i == n-1 {
						return failMsg(msgFormatIncomplete)
					}
				}
			}
			switch s[i+1] {
			case '%', 'A', 'C', 'D', 'E', 'F', 'I', 'l', 'm', 'P', 'p', 'q', 'R', 'S', 'r', 't', 'j', 'J', 'U', 'x', 'X':
				i++
			default:
				return failMsg(msgFormatInvalid, s[i+1:i+2])
			}
		case '@':
			if i == n-1 {
				return failMsg(msgFormatIncomplete)
			}
			i++
		case '\\':
			if i == n-1 {
				return failMsg(msgEscapeIncomplete)
			}
			switch s[i+1] {
			case '\\', '0', 'a', 'e', 'n', 'r', 't', 'v':
				i++
			default:
				return failMsg(msgEscapeInvalid, s[i+1:i+2])
			}
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
