package cmd

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
)

// Every flag urfave/cli looks up names itself from a slice made once (see withNames), the same names as
// urfave/cli's own: a flag of a type named does not know, or one added after the wrapping, brings back
// the regexp per name per lookup that cost a one-message pub 14 million instructions.
func TestEveryFlagKnowsItsNames(t *testing.T) {
	io, _, _ := iostreams.Test("")
	app := newApp(io)
	check := func(where string, f cli.Flag) {
		inner := unwrapFlag(f)
		if inner == f {
			t.Errorf("%s: --%s (%T) is not wrapped by withNames: add its type to named", where, f.Names()[0], f)
			return
		}
		if got, want := f.Names(), inner.Names(); !slices.Equal(got, want) {
			t.Errorf("%s: names %q, urfave/cli's %q", where, got, want)
		}
	}
	check("help", cli.HelpFlag)
	check("version", cli.VersionFlag)
	var walk func(path string, cs []*cli.Command)
	walk = func(path string, cs []*cli.Command) {
		for _, c := range cs {
			for _, f := range c.Flags {
				check(path+" "+c.Name, f)
			}
			walk(path+" "+c.Name, c.Subcommands)
		}
	}
	walk("mqtt", app.Commands)
}

// flagNames gives urfave/cli's answer for a name it would cut.
func TestFlagNamesCutsAsUrfaveDoes(t *testing.T) {
	for _, f := range []*cli.StringFlag{
		{Name: "topic", Aliases: []string{"t"}},
		{Name: "topic, t"},
		{Name: "topic", Aliases: []string{"t x", "u"}},
	} {
		if got, want := flagNames(f, f.Name, f.Aliases), f.Names(); !slices.Equal(got, want) {
			t.Errorf("%q %q: %q, urfave/cli's %q", f.Name, f.Aliases, got, want)
		}
	}
}

// A command line that names a command builds that command alone; any other builds them all.
func TestNewAppBuildsTheCommandNamed(t *testing.T) {
	io, _, _ := iostreams.Test("")
	var names []string
	for _, c := range newApp(io).Commands {
		names = append(names, c.Name)
	}
	for _, name := range names {
		cs := newApp(io, name, "--help").Commands
		if len(cs) != 1 || cs[0].Name != name {
			t.Errorf("mqtt %s: built %d commands", name, len(cs))
		}
	}
	for _, args := range [][]string{nil, {"help", "pub"}, {"pubb"}, {"-t", "x", "pub"}} {
		if got := len(newApp(io, args...).Commands); got != len(names) {
			t.Errorf("mqtt %q: built %d commands, want all %d", args, got, len(names))
		}
	}
}
