package mosqargs

import (
	"math"
	"strconv"
	"strings"

	"mqtt/internal/cnum"
)

// mosquitto reads numbers with C's atoi, atof and strtol, which accept what Go's strconv refuses
// ("12abc" is 12, "abc" is 0, " 3" is 3) and overflow in their own ways. These copy glibc on a 64-bit
// machine, because the golden rows show the consequences ("-p 99999999999" says "Invalid port given:
// 1215752191").

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// strtol parses like strtol(s, &end, base) with base 10 or 0, returning the value, how many bytes it
// used (0 when no digits: end == s) and whether it saturated.
func strtol(s string, base int) (v int64, used int, overflow bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	b := uint64(base)
	if base == 0 {
		b = 10
		if i < len(s) && s[i] == '0' {
			b = 8
			if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && digitVal(s[i+2]) < 16 {
				b = 16
				i += 2
			}
		}
	}
	start := i
	var acc uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for i < len(s) {
		d := uint64(digitVal(s[i]))
		if d >= b {
			break
		}
		if !overflow {
			if acc > (limit-d)/b {
				overflow = true
			} else {
				acc = acc*b + d
			}
		}
		i++
	}
	if i == start {
		// "0x" without hex digits is still the number 0, which glibc reads from the '0'.
		return 0, 0, false
	}
	if overflow {
		if neg {
			return math.MinInt64, i, true
		}
		return math.MaxInt64, i, true
	}
	if neg {
		return -int64(acc), i, false
	}
	return int64(acc), i, false
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// atoi is glibc's: strtol to 64 bits, saturating, then cut to the low 32 bits.
func atoi(s string) int {
	v, _, _ := strtol(s, 10)
	return int(int32(v))
}

// atof is strtod on the longest prefix that is a number: decimal, hexadecimal, inf or nan.
func atof(s string) float64 {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	s = s[i:]
	sign := 1.0
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, "inf"):
		return sign * math.Inf(1)
	case strings.HasPrefix(low, "nan"):
		return math.NaN()
	case strings.HasPrefix(low, "0x") && len(s) > 2 && (digitVal(s[2]) < 16 || (s[2] == '.' && len(s) > 3 && digitVal(s[3]) < 16)):
		return sign * hexFloat(s[2:])
	}
	n := cnum.DecimalPrefix(s)
	if n == 0 {
		return 0
	}
	// The prefix is well formed, so the only error is a range one, where ParseFloat already gives
	// strtod's answer (±Inf or 0).
	f, _ := strconv.ParseFloat(s[:n], 64)
	return sign * f
}

func hexFloat(s string) float64 {
	var mant float64
	exp := 0
	i := 0
	for ; i < len(s) && digitVal(s[i]) < 16; i++ {
		mant = mant*16 + float64(digitVal(s[i]))
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && digitVal(s[i]) < 16; i++ {
			mant = mant*16 + float64(digitVal(s[i]))
			exp -= 4
		}
	}
	if i < len(s) && (s[i] == 'p' || s[i] == 'P') {
		j := i + 1
		neg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			neg = s[j] == '-'
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			e := 0
			for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
				if e < 100000 {
					e = e*10 + int(s[j]-'0')
				}
			}
			if neg {
				e = -e
			}
			exp += e
		}
	}
	return math.Ldexp(mant, exp)
}

// cInt is C's (int) cast of a double as x86-64 does it: anything out of range, or NaN, is INT_MIN.
func cInt(f float64) int {
	if math.IsNaN(f) || f >= 2147483648 || f <= -2147483649 {
		return math.MinInt32
	}
	return int(int32(f))
}
