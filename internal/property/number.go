package property

import "math"

// atol is glibc's atol, which mosquitto reads every number with: leading white space, a sign, then
// decimal digits up to the first other byte. So "0x10" is 0, "12abc" is 12, "abc" and "" are 0, and a
// number past the range of a long saturates, which the range check then reports with the saturated value.
func atol(s string) int64 {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var n uint64
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if n > (limit-d)/10 {
			n = limit
			continue
		}
		n = n*10 + d
	}
	if neg {
		return int64(-n) // wraps to math.MinInt64 when n is 1<<63, as intended
	}
	return int64(n)
}

// isSpace is isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}
