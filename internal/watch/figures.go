package watch

import (
	"strconv"
	"time"
)

// rateText is a rate per second in at most five cells: "0.25", "12.5", "950", "20.0k", "1.25M".
func rateText(r float64) string {
	if r == 0 {
		return "0"
	}
	unit := ""
	switch {
	case r >= 999.5e3:
		r, unit = r/1e6, "M"
	case r >= 999.5:
		r, unit = r/1e3, "k"
	}
	prec := 0
	switch {
	case r < 9.995:
		prec = 2
	case r < 99.95:
		prec = 1
	}
	return strconv.FormatFloat(r, 'f', prec, 64) + unit
}

// ageText is a time since, in at most four cells: "0.4s", "12s", "5m", "3h", "12d".
func ageText(d time.Duration) string {
	switch {
	case d < 0:
		d = 0
		fallthrough
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < 100*time.Second:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < 100*time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 100*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// quiet reports whether a topic has been silent for much longer than its usual interval: three times as
// long and at least a second more, once two gaps have set that interval. Retained messages, which arrive
// all at once on subscribing, have no say in it.
func quiet(v *TopicView, since time.Duration) bool {
	return v.Live >= 3 && v.Interval > 0 && since > 3*v.Interval && since > v.Interval+time.Second
}

// sparkBars are the eight heights of a sparkline.
var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last width samples scaled between their least and greatest; fewer samples leave
// blanks on the left, and samples all equal are drawn at mid height.
func sparkline(samples []float64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(samples) > width {
		samples = samples[len(samples)-width:]
	}
	lo, hi := 0.0, 0.0
	for i, f := range samples {
		if i == 0 || f < lo {
			lo = f
		}
		if i == 0 || f > hi {
			hi = f
		}
	}
	out := make([]rune, 0, width)
	for range width - len(samples) {
		out = append(out, ' ')
	}
	for _, f := range samples {
		i := len(sparkBars) / 2
		if hi > lo {
			i = int((f - lo) / (hi - lo) * float64(len(sparkBars)-1))
		}
		out = append(out, sparkBars[i])
	}
	return string(out)
}
