package format

import (
	"encoding/binary"
	"math"
	"strconv"
)

// payloadFloat reads the payload as mosquitto 2.1's %f and %d do, by memcpy into a float or a double: IEEE 754
// in the byte order of the machine. ok is false for a payload of any other size.
func payloadFloat(p []byte, k kind) (v float64, ok bool) {
	switch {
	case k == kindFloat && len(p) == 4:
		// float to double is exact, NaN's sign included, as C's promotion of a float argument is.
		return float64(math.Float32frombits(binary.NativeEndian.Uint32(p))), true
	case k == kindDouble && len(p) == 8:
		return math.Float64frombits(binary.NativeEndian.Uint64(p)), true
	}
	return 0, false
}

// appendFloat is glibc's printf("%-*.*f"), "%0*.*f" or "%*.*f" as formatted_print_float calls it: the
// precision defaults to 6 (mosquitto passes -1, which printf reads as none), digits are the exact binary value
// rounded half to even, and infinities and NaNs print as inf and nan with their sign, blank-padded even with
// the 0 flag.
func appendFloat(dst []byte, v float64, s *step) []byte {
	start := len(dst)
	finite := true
	switch {
	case math.IsNaN(v):
		finite = false
		if math.Signbit(v) {
			dst = append(dst, '-')
		}
		dst = append(dst, "nan"...)
	case math.IsInf(v, 0):
		finite = false
		if v < 0 {
			dst = append(dst, '-')
		}
		dst = append(dst, "inf"...)
	default:
		prec := s.prec
		if prec < 0 {
			prec = 6
		}
		dst = strconv.AppendFloat(dst, v, 'f', prec, 64)
	}
	pad := s.width - (len(dst) - start)
	if pad <= 0 {
		return dst
	}
	if s.left {
		return appendBlank(dst, ' ', pad)
	}
	// The number is already in dst; move it right by pad and fill the gap, zeros after any sign.
	at, fill := start, byte(' ')
	if s.zero && finite {
		fill = '0'
		if dst[start] == '-' {
			at++
		}
	}
	end := len(dst)
	dst = appendBlank(dst, ' ', pad)
	copy(dst[at+pad:], dst[at:end])
	for i := at; i < at+pad; i++ {
		dst[i] = fill
	}
	return dst
}
