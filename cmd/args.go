package cmd

import (
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"
)

// What the command line goes through before urfave/cli parses it, and after, to undo two of its habits.

// flagSpelling is what longNames needs to know of one spelling of a flag ("-t", "--topic").
type flagSpelling struct {
	name       string // the flag's name, which urfave/cli puts first
	repeatable bool   // a StringSliceFlag
}

// commandFlags maps each name of each flag of the command in args[1], without dashes (see dashless), to
// the flag.
func commandFlags(app *cli.App, args []string) map[string]flagSpelling {
	out := map[string]flagSpelling{}
	if len(args) < 2 || app.Command(args[1]) == nil {
		return out
	}
	for _, f := range app.Command(args[1]).Flags {
		_, repeatable := unwrapFlag(f).(*cli.StringSliceFlag)
		s := flagSpelling{name: f.Names()[0], repeatable: repeatable}
		for _, n := range f.Names() {
			out[n] = s
		}
	}
	return out
}

// dashless is the name that an argument spelling a flag ("-t", "--topic") gives, and "" for any other
// argument. The maps of flags are keyed by it: made with every name dashed both ways, they cost each
// start 700 strings and as many map entries (0.2 of the 3.5 million instructions of a one-message pub).
func dashless(spelling string) string {
	if n, ok := strings.CutPrefix(spelling, "--"); ok {
		return n
	}
	if n, ok := strings.CutPrefix(spelling, "-"); ok {
		return n
	}
	return ""
}

// longNames spells every flag by its name rather than an alias (-t becomes --topic), up to the first
// argument that is not a flag, where the flag parser stops, and wraps the values of repeatable flags
// (see rawValue). urfave/cli refuses two spellings of one flag (-t a --topic b, which mosquitto_sub
// takes as two topics). A flag with its value missing keeps its spelling, which the error echoes.
func longNames(args []string, flags map[string]flagSpelling, takesValue map[string]bool) []string {
	out := append([]string(nil), args...)
	walkFlags(out, flags, takesValue, func(i int, f flagSpelling, value int) {
		switch {
		case value == i:
			v := strings.SplitN(out[i], "=", 2)[1]
			if f.repeatable {
				v = rawValue(v)
			}
			out[i] = "--" + f.name + "=" + v
		case value < 0 && takesValue[dashless(strings.SplitN(out[i], "=", 2)[0])]:
			// the value is missing: keep the spelling
		default:
			out[i] = "--" + f.name
			if value > i && f.repeatable {
				out[value] = rawValue(out[value])
			}
		}
	})
	return out
}

// flagCounts says how many times each flag of the command in args[1] is given, by its name: a flag
// parser keeps the last value, where mosquitto refuses some flags given twice.
func flagCounts(args []string, flags map[string]flagSpelling, takesValue map[string]bool) map[string]int {
	n := map[string]int{}
	walkFlags(args, flags, takesValue, func(_ int, f flagSpelling, _ int) { n[f.name]++ })
	return n
}

// walkFlags calls visit for each known flag in args, from args[2] up to the first argument that is not
// a flag, with where its value is: i itself for --flag=value, i+1 for a value in the next argument
// (even one that reads like a flag), -1 for none.
func walkFlags(args []string, flags map[string]flagSpelling, takesValue map[string]bool, visit func(i int, f flagSpelling, value int)) {
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			return
		}
		spelling, _, hasValue := strings.Cut(a, "=")
		name := dashless(spelling)
		f, known := flags[name]
		switch {
		case !known:
		case hasValue:
			visit(i, f, i)
		case takesValue[name] && i+1 < len(args):
			visit(i, f, i+1)
			i++
		default:
			visit(i, f, -1)
		}
	}
}

// rawMark starts a value rawValue has wrapped. It begins with NUL, which no command-line argument holds.
const rawMark = "\x00raw:"

// rawValue wraps a repeatable flag's value that is not UTF-8. urfave/cli copies such a value to the
// flag's other spellings through JSON, which replaces each byte that is not UTF-8 with U+FFFD, turning
// a topic the checks must refuse into another that passes. A value that could be taken for a wrapped
// one is wrapped too, so that unwrapping gives back exactly what was given.
func rawValue(v string) string {
	if utf8.ValidString(v) && !strings.HasPrefix(v, rawMark) {
		return v
	}
	return rawMark + hex.EncodeToString([]byte(v))
}

// stringSlice is c.StringSlice(name) with rawValue's wrapping undone.
func stringSlice(c *cli.Context, name string) []string {
	values := c.StringSlice(name)
	if values == nil {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		if h, ok := strings.CutPrefix(v, rawMark); ok {
			if b, err := hex.DecodeString(h); err == nil {
				v = string(b)
			}
		}
		out[i] = v
	}
	return out
}

// asGiven spells an unknown option as it was typed: the flag package reports --bogus as -bogus.
func asGiven(err error, args []string) error {
	var p *problem
	if !errors.As(err, &p) || p.id != errUnknownOption && p.id != errUnknownOptionMeant {
		return err
	}
	name := strings.TrimPrefix(p.args[0].(string), "-")
	for _, a := range args {
		if a == "--" {
			break
		}
		flag, _, _ := strings.Cut(a, "=")
		if strings.HasPrefix(flag, "-") && strings.TrimLeft(flag, "-") == name {
			q := *p
			q.args = append([]any{flag}, p.args[1:]...)
			return &q
		}
	}
	return err
}
