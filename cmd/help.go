package cmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// --help of a command: the usage line, then the options under their headings (flagGroups), one line
// each, then the description. urfave/cli's own layout puts the description first and the options in one
// list with "(default: false)" on every switch; pub's template reference made it 173 lines.

// helpWidth is where help text wraps: wider than 80, as most of the option lines are already.
const helpWidth = 100

// namesWidth is the column the usage of an option starts at; longer names push it to the next line.
const namesWidth = 32

// libraryHelpPrinter is urfave/cli's, kept for the help of the program and of commands with
// subcommands, which list commands rather than options.
var libraryHelpPrinter = cli.HelpPrinter

// printHelp is cli.HelpPrinter: mqtt's layout for a command without subcommands.
func printHelp(w io.Writer, templ string, data any) {
	c, ok := data.(*cli.Command)
	if !ok || hasSubcommands(c) {
		libraryHelpPrinter(w, templ, data)
		return
	}
	_, _ = io.WriteString(w, commandHelp(c))
}

// hasSubcommands ignores the help command urfave/cli gives every command it runs.
func hasSubcommands(c *cli.Command) bool {
	for _, sub := range c.VisibleCommands() {
		if sub.Name != "help" {
			return true
		}
	}
	return false
}

func commandHelp(c *cli.Command) string {
	var b strings.Builder
	usage := c.UsageText
	if usage == "" {
		usage = c.HelpName + " [options]"
		if args, _, _ := strings.Cut(c.ArgsUsage, " ("); strings.TrimSpace(args) != "" {
			usage += " " + strings.TrimSpace(args)
		}
	}
	fmt.Fprintf(&b, "Usage: %s\n", usage)
	if c.Usage != "" {
		b.WriteString(wrap(strings.ToUpper(c.Usage[:1])+c.Usage[1:]+".", 0) + "\n")
	}
	for _, g := range flagGroups(c) {
		if g.title == groupNotSupported {
			var names []string
			for _, f := range g.flags {
				names = append(names, "--"+f.Names()[0])
			}
			b.WriteString("\n" + wrap(g.title+" (refused, with the reason): "+strings.Join(names, ", ")+".", 0) + "\n")
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", g.title)
		for _, f := range g.flags {
			b.WriteString(optionLine(f))
		}
	}
	if c.Description != "" {
		b.WriteString("\n" + c.Description + "\n")
	}
	return b.String()
}

// optionLine is one option as --help lists it: "  -t, --topic TOPIC   usage (default X)".
func optionLine(f cli.Flag) string {
	names, usage := flagHelp(f)
	names = "  " + names
	if len(names)+2 > namesWidth {
		return names + "\n" + strings.Repeat(" ", namesWidth) + wrap(usage, namesWidth) + "\n"
	}
	return names + strings.Repeat(" ", namesWidth-len(names)) + wrap(usage, namesWidth) + "\n"
}

// flagHelp is a flag's names with the name of its value ("-t, --topic TOPIC"), and its usage with the
// default of a flag that takes a value. A switch's default is always off, so it says none.
func flagHelp(f cli.Flag) (names, usage string) {
	var short, long []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			short = append(short, "-"+n)
		} else {
			long = append(long, "--"+n)
		}
	}
	all := append(short, long...)
	names = strings.Join(all, ", ")
	if len(short) == 0 {
		names = "    " + names // long names line up under those of flags with a short one
	}
	d, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return names, ""
	}
	arg, usage := placeholder(d.GetUsage())
	if !d.TakesValue() {
		return names, usage
	}
	if arg == "" {
		arg = strings.ToUpper(manArg(f.Names()))
	}
	names += " " + arg
	def := d.GetDefaultText()
	if u, err := strconv.Unquote(def); err == nil {
		def = u
	}
	if def != "" {
		usage += " (default " + def + ")"
	}
	return names, usage
}

// flagString is cli.FlagStringer, for the help urfave/cli lays out itself (the program's, and that of
// commands with subcommands): the same words as flagHelp.
func flagString(f cli.Flag) string {
	names, usage := flagHelp(f)
	return strings.TrimSpace(names) + "\t" + usage
}

// wrap breaks text into lines of at most helpWidth, the lines after the first indented by indent.
func wrap(text string, indent int) string {
	var b strings.Builder
	col := indent
	for i, word := range strings.Fields(text) {
		if i > 0 && col+1+len(word) > helpWidth {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}
