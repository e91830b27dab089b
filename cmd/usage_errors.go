package cmd

import (
	"errors"
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/spelling"
)

// What mqtt says about a command line it cannot take, beyond mosquitto's "Unknown option": the command
// or flag that was meant, and --help where -h is not the host.

// commandPath is the command args run, as far as the words name commands: "mqtt profile show" for
// `mqtt profile show -x`, "mqtt" for `mqtt --verison` or `mqtt -p 1 pub`. The usage hint names it.
func commandPath(app *cli.App, args []string) string {
	path, cmds := app.Name, app.Commands
	for _, a := range args[1:] {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				next = c
			}
		}
		if next == nil {
			break
		}
		path, cmds = path+" "+next.Name, next.Subcommands
	}
	return path
}

// showHelp prints the help of the command c runs, as --help does.
func showHelp(c *cli.Context) error {
	lineage := c.Lineage()
	if len(lineage) < 2 || lineage[1].App == nil {
		return cli.ShowAppHelp(c)
	}
	return cli.ShowCommandHelp(lineage[1], c.Command.Name)
}

// unknownOption is the error for flag f (as the flag package reports it, "-verison"), naming the one
// of flags that was likely meant.
func unknownOption(f string, flags []cli.Flag) error {
	name := strings.TrimLeft(f, "-")
	if len(name) < 2 {
		return usageErr(errUnknownOption, f) // any one letter is a typo of any other
	}
	var names []string
	for _, fl := range flags {
		if v, ok := fl.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		for _, n := range fl.Names() {
			if len(n) > 1 {
				names = append(names, n)
			}
		}
	}
	if meant, ok := nearestName(name, names); ok {
		return usageErr(errUnknownOptionMeant, f, "--"+meant)
	}
	return usageErr(errUnknownOption, f)
}

// nearestName is the one of names that word most likely means: the only one it abbreviates
// (--retain-as), the longest that it spells out (publish for pub), or one a typo or two away.
func nearestName(word string, names []string) (string, bool) {
	var abbreviates []string
	spelledOut := ""
	for _, n := range names {
		if strings.HasPrefix(n, word) && n != word {
			abbreviates = append(abbreviates, n)
		}
		if len(n) >= 3 && strings.HasPrefix(word, n) && len(n) > len(spelledOut) {
			spelledOut = n
		}
	}
	switch {
	case len(abbreviates) == 1:
		return abbreviates[0], true
	case spelledOut != "":
		return spelledOut, true
	}
	return spelling.Nearest(word, names)
}

// optionBeforeCommand rewords an unknown option of the program that is an option of the command
// given after it (`mqtt -p 1 pub`): it belongs after the command.
func optionBeforeCommand(app *cli.App, err error, args []string) error {
	var p *problem
	if !errors.As(err, &p) || p.id != errUnknownOption && p.id != errUnknownOptionMeant {
		return err
	}
	typed := p.args[0].(string)
	name, _, _ := strings.Cut(strings.TrimLeft(typed, "-"), "=")
	seen := false
	for _, a := range args[1:] {
		if a == typed {
			seen = true
			continue
		}
		c := app.Command(a)
		if !seen || c == nil {
			continue
		}
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				if n == name {
					return usageErr(errOptionBeforeCommand, typed, app.Name+" "+c.Name+" "+typed)
				}
			}
		}
		return err
	}
	return err
}

// unknownCommand rewords urfave/cli's "No help topic for 'pubb'" as an unknown command of the command
// at path, with the one that was likely meant.
func unknownCommand(app *cli.App, path string, err error) error {
	var ec cli.ExitCoder
	if !errors.As(err, &ec) {
		return err
	}
	word, ok := strings.CutPrefix(ec.Error(), "No help topic for '")
	if !ok {
		return err
	}
	word = strings.TrimSuffix(word, "'")
	cmds := app.Commands
	for _, w := range strings.Fields(path)[1:] {
		for _, c := range cmds {
			if c.Name == w {
				cmds = c.Subcommands
			}
		}
	}
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	if meant, ok := nearestName(word, names); ok {
		return usageErr(errUnknownCommandMeant, word, meant)
	}
	return usageErr(errUnknownCommand, word)
}

type flagCountsKey struct{}

// flagCount is how many times the flag called name was given (flagCounts, counted before parsing).
func flagCount(c *cli.Context, name string) int {
	n, _ := c.Context.Value(flagCountsKey{}).(map[string]int)
	return n[name]
}
