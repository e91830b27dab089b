// Package cnum holds what C's number parsing does that Go's does not, for the places where mqtt must
// read numbers exactly as mosquitto (strtod, cJSON) reads them.
package cnum

// DecimalPrefix is the length of the unsigned decimal floating-point prefix of s that strtod converts:
// digits with at most one '.', at least one digit, then an exponent only if it has digits. 0 means none.
func DecimalPrefix[T ~string | ~[]byte](s T) int {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	return i
}
