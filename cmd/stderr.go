package cmd

import (
	"strings"

	"github.com/fatih/color"

	"mqtt/internal/iostreams"
)

// label colours the "Error:" or "Warning:" that starts a line on stderr, when stderr may carry colour
// (a terminal, no NO_COLOR, TERM not dumb, or --color always). The rest of the line stays plain, so it
// reads the same in a log. The colour is switched on per value: fatih/color's package-wide switch
// looks at stdout, and stderr is decided on its own.
func label(io *iostreams.IOStreams, line string) string {
	if !io.ColorErr {
		return line
	}
	word, rest, ok := strings.Cut(line, ":")
	var c *color.Color
	switch {
	case !ok:
		return line
	case word == "Error":
		c = color.New(color.FgRed, color.Bold)
	case word == "Warning":
		c = color.New(color.FgYellow, color.Bold)
	case word == "Note":
		c = color.New(color.FgCyan)
	default:
		return line
	}
	c.EnableColor()
	return c.Sprint(word+":") + rest
}
