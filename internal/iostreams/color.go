package iostreams

import "fmt"

// SetColorMode decides, once and per stream, whether Out and ErrOut get colour, and records it in ColorOut and
// ColorErr. mode is the --color argument; getenv is os.Getenv in main and a map lookup in tests, so nothing
// here reads the process environment behind the caller's back.
//
//	auto    a stream is coloured when it is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
//	always  both streams are coloured, pipes included. NO_COLOR and TERM=dumb are ignored: no-color.org asks
//	        programs to disable colour "by default" and to let an explicit command-line flag override that,
//	        and --color always is such a flag.
//	never   neither stream is coloured.
//
// Any other mode is an error and leaves the fields unchanged.
func (s *IOStreams) SetColorMode(mode string, getenv func(string) string) error {
	switch mode {
	case "auto":
		allowed := getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
		s.ColorOut = allowed && s.OutTTY
		s.ColorErr = allowed && s.ErrTTY
	case "always":
		s.ColorOut, s.ColorErr = true, true
	case "never":
		s.ColorOut, s.ColorErr = false, false
	default:
		return fmt.Errorf("invalid --color %q: use auto, always or never", mode)
	}
	return nil
}
