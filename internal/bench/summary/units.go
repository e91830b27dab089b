package summary

import (
	"fmt"
	"strconv"
	"time"
)

// Micros writes a duration held in microseconds with three significant digits and the unit that suits it:
// 212µs, 1.02ms, 12.3s.
func Micros(us int64) string {
	switch {
	case us < 1000:
		return strconv.FormatInt(us, 10) + "µs"
	case us < 1_000_000:
		return sig3(float64(us)/1e3) + "ms"
	default:
		return sig3(float64(us)/1e6) + "s"
	}
}

// Duration is Micros for a time.Duration (below a microsecond it says 0µs).
func Duration(d time.Duration) string { return Micros(d.Microseconds()) }

func sig3(v float64) string {
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// Count writes n with thousands separated by commas: 1,234,567.
func Count(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

// Rate writes messages per second, whole, with separators.
func Rate(perSec float64) string { return Count(uint64(perSec + 0.5)) }

// Bytes writes a byte count (or bytes per second) in binary units: 976.6 KiB.
func Bytes(n float64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%.0f B", n)
	}
	for _, u := range []string{"KiB", "MiB", "GiB"} {
		n /= unit
		if n < unit || u == "GiB" {
			return fmt.Sprintf("%.1f %s", n, u)
		}
	}
	return ""
}
