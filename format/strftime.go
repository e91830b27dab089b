package format

import (
	"strconv"
	"time"
)

// clock is the broken-down receive time, computed once per message and shared by every time step. mosquitto
// calls clock_gettime again for each %I, %U, %j and %J (and once for all @ sequences), so the fields of one line
// can disagree by a few microseconds there; here they all show the one time the message was received.
type clock struct {
	t                                time.Time
	year, month, day, hour, min, sec int
	wday, yday                       int // 0 = Sunday; 0 = 1 January
	unix                             int64
	nsec                             int
	zone                             string
	offset                           int // seconds east of UTC
}

func newClock(t time.Time) clock {
	c := clock{t: t, unix: t.Unix(), nsec: t.Nanosecond()}
	y, mo, d := t.Date()
	c.year, c.month, c.day = y, int(mo), d
	c.hour, c.min, c.sec = t.Clock()
	c.wday = int(t.Weekday())
	c.yday = t.YearDay() - 1
	c.zone, c.offset = t.Zone()
	return c
}

// constantStrftime are the conversions that do not depend on the time; they compile to literals.
var constantStrftime = [256]string{'n': "\n", 't': "\t", '%': "%"}

// strftimeKnown are the conversions glibc's strftime gives in the C locale (mosquitto_sub never calls
// setlocale); any other byte comes out as '%' and itself.
var strftimeKnown = [256]bool{
	'a': true, 'A': true, 'b': true, 'B': true, 'c': true, 'C': true, 'd': true, 'D': true, 'e': true,
	'F': true, 'g': true, 'G': true, 'h': true, 'H': true, 'I': true, 'j': true, 'k': true, 'l': true,
	'm': true, 'M': true, 'p': true, 'P': true, 'r': true, 'R': true, 's': true, 'S': true, 'T': true,
	'u': true, 'U': true, 'V': true, 'w': true, 'W': true, 'x': true, 'X': true, 'y': true, 'Y': true,
	'z': true, 'Z': true,
}

var (
	shortDays   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [12]string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
)

// appendStrftime appends glibc's strftime("%<conv>") in the C locale.
func appendStrftime(dst []byte, conv byte, c *clock) []byte {
	switch conv {
	case 'a':
		return append(dst, shortDays[c.wday]...)
	case 'A':
		return append(dst, longDays[c.wday]...)
	case 'b', 'h':
		return append(dst, shortMonths[c.month-1]...)
	case 'B':
		return append(dst, longMonths[c.month-1]...)
	case 'c': // "%a %b %e %H:%M:%S %Y"
		dst = appendStrftime(dst, 'a', c)
		dst = append(dst, ' ')
		dst = appendStrftime(dst, 'b', c)
		dst = append(dst, ' ')
		dst = appendStrftime(dst, 'e', c)
		dst = append(dst, ' ')
		dst = appendStrftime(dst, 'T', c)
		dst = append(dst, ' ')
		return appendStrftime(dst, 'Y', c)
	case 'C':
		return appendNum(dst, floorDiv(c.year, 100), 2, '0')
	case 'd':
		return appendNum(dst, c.day, 2, '0')
	case 'D', 'x': // "%m/%d/%y"
		dst = appendNum(dst, c.month, 2, '0')
		dst = append(dst, '/')
		dst = appendNum(dst, c.day, 2, '0')
		dst = append(dst, '/')
		return appendStrftime(dst, 'y', c)
	case 'e':
		return appendNum(dst, c.day, 2, ' ')
	case 'F': // "%Y-%m-%d"
		dst = appendStrftime(dst, 'Y', c)
		dst = append(dst, '-')
		dst = appendNum(dst, c.month, 2, '0')
		dst = append(dst, '-')
		return appendNum(dst, c.day, 2, '0')
	case 'g':
		y, _ := c.t.ISOWeek()
		return appendNum(dst, floorMod(y, 100), 2, '0')
	case 'G':
		y, _ := c.t.ISOWeek()
		return strconv.AppendInt(dst, int64(y), 10)
	case 'H':
		return appendNum(dst, c.hour, 2, '0')
	case 'I':
		return appendNum(dst, hour12(c.hour), 2, '0')
	case 'j':
		return appendNum(dst, c.yday+1, 3, '0')
	case 'k':
		return appendNum(dst, c.hour, 2, ' ')
	case 'l':
		return appendNum(dst, hour12(c.hour), 2, ' ')
	case 'm':
		return appendNum(dst, c.month, 2, '0')
	case 'M':
		return appendNum(dst, c.min, 2, '0')
	case 'p':
		if c.hour < 12 {
			return append(dst, "AM"...)
		}
		return append(dst, "PM"...)
	case 'P':
		if c.hour < 12 {
			return append(dst, "am"...)
		}
		return append(dst, "pm"...)
	case 'r': // "%I:%M:%S %p"
		dst = appendStrftime(dst, 'I', c)
		dst = append(dst, ':')
		dst = appendNum(dst, c.min, 2, '0')
		dst = append(dst, ':')
		dst = appendNum(dst, c.sec, 2, '0')
		dst = append(dst, ' ')
		return appendStrftime(dst, 'p', c)
	case 'R': // "%H:%M"
		dst = appendNum(dst, c.hour, 2, '0')
		dst = append(dst, ':')
		return appendNum(dst, c.min, 2, '0')
	case 's':
		return strconv.AppendInt(dst, c.unix, 10)
	case 'S':
		return appendNum(dst, c.sec, 2, '0')
	case 'T', 'X': // "%H:%M:%S"
		dst = appendNum(dst, c.hour, 2, '0')
		dst = append(dst, ':')
		dst = appendNum(dst, c.min, 2, '0')
		dst = append(dst, ':')
		return appendNum(dst, c.sec, 2, '0')
	case 'u':
		return appendNum(dst, (c.wday+6)%7+1, 1, '0')
	case 'U':
		return appendNum(dst, (c.yday+7-c.wday)/7, 2, '0')
	case 'V':
		_, w := c.t.ISOWeek()
		return appendNum(dst, w, 2, '0')
	case 'w':
		return appendNum(dst, c.wday, 1, '0')
	case 'W':
		return appendNum(dst, (c.yday+7-(c.wday+6)%7)/7, 2, '0')
	case 'y':
		return appendNum(dst, floorMod(c.year, 100), 2, '0')
	case 'Y':
		return strconv.AppendInt(dst, int64(c.year), 10)
	case 'z':
		return appendOffset(dst, c.offset)
	case 'Z':
		return append(dst, c.zone...)
	}
	return append(dst, '%', conv)
}

// appendOffset is glibc's %z: +hhmm, seconds of the offset dropped.
func appendOffset(dst []byte, off int) []byte {
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	off /= 60
	dst = append(dst, sign)
	return appendNum(dst, off/60*100+off%60, 4, '0')
}

func appendNum(dst []byte, v, width int, pad byte) []byte {
	var buf [24]byte
	digits := strconv.AppendInt(buf[:0], int64(v), 10)
	if v < 0 {
		dst = append(dst, '-')
		digits = digits[1:]
		width--
	}
	dst = appendBlank(dst, pad, width-len(digits))
	return append(dst, digits...)
}

func hour12(h int) int {
	if h%12 == 0 {
		return 12
	}
	return h % 12
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
