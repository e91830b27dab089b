package format

// appendHexGroups is mosquitto 2.1's write_payload for %x and %X with a precision: a separator after every
// group of that many hex digits, counted across the padding too, and never after the last digit: "%12.2:x" of
// 00 00 ac 41 prints "  :  :00:00:ac:41". Its width differs from 2.0.11's, which appendPayload keeps for %x without groups: it
// caps the payload at width bytes, not width digits, and pads to width digits.
func appendHexGroups(dst, payload []byte, digits string, s *step) []byte {
	n := len(payload)
	var pad int
	if s.width > 0 {
		n = min(n, s.width)
		pad = s.width - 2*n
	} else {
		pad = -n
	}
	g := grouper{size: s.group, sep: s.sep}
	if !s.left {
		for range pad {
			dst = append(dst, s.pad())
			dst = g.after(dst)
		}
	}
	for i, c := range payload[:n] {
		dst = append(dst, digits[c>>4])
		dst = g.after(dst)
		dst = append(dst, digits[c&0xf])
		if i < n-1 {
			dst = g.after(dst)
		}
	}
	if s.left {
		dst = appendBlank(dst, ' ', max(pad, -pad))
	}
	return dst
}

// grouper counts hex digits (and padding) and puts sep after every size of them: mosquitto's hexsep.
type grouper struct {
	size, n int
	sep     byte
}

func (g *grouper) after(dst []byte) []byte {
	g.n++
	if g.n == g.size {
		g.n = 0
		dst = append(dst, g.sep)
	}
	return dst
}
