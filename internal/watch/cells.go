package watch

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Widths are measured as the renderer measures them by default (wcwidth), so that columns line up.

func width(s string) int { return ansi.StringWidthWc(s) }

// cut fits s into w cells, ending it with … when it is longer.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.TruncateWc(s, w, "…")
}

// cutLeft fits s into w cells, keeping its end and starting it with … when it is longer: the end of a
// topic tells it from its neighbours.
func cutLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := width(s)
	if n <= w {
		return s
	}
	if w == 1 {
		return "…"
	}
	return ansi.TruncateLeftWc(s, n-(w-1), "…")
}

// padRight fills s with blanks to w cells, cutting it if it is longer.
func padRight(s string, w int) string {
	s = cut(s, w)
	return s + strings.Repeat(" ", max(w-width(s), 0))
}

// padLeft aligns s to the right of w cells.
func padLeft(s string, w int) string {
	s = cut(s, w)
	return strings.Repeat(" ", max(w-width(s), 0)) + s
}

// sharedLevels is how many bytes of topic are whole levels it shares with prev, its "/" included.
func sharedLevels(prev, topic string) int {
	n := 0
	for i := 0; i < len(prev) && i < len(topic) && prev[i] == topic[i]; i++ {
		if topic[i] == '/' {
			n = i + 1
		}
	}
	return n
}
