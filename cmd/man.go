package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/gen"
	"mqtt/internal/iostreams"
	"mqtt/internal/manpage"
)

//go:generate go run .. man ../man

// manCommand writes the manual pages. It is hidden: the pages are generated once, committed under man/, and
// checked by a test; `go generate ./cmd` runs it.
func manCommand(streams *iostreams.IOStreams) *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "write the manual pages into DIR",
		UsageText: "mqtt man DIR",
		Hidden:    true,
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return fmt.Errorf("give the directory to write the pages into: mqtt man DIR")
			}
			dir := c.Args().First()
			files, err := manPages(newApp(streams))
			if err != nil {
				return err
			}
			for name, body := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					return fmt.Errorf("writing the manual pages: %w", err)
				}
			}
			return nil
		},
	}
}

// manPages renders a page for the program and one for each visible command, keyed by file name.
func manPages(app *cli.App) (map[string]string, error) {
	pages := []manpage.Page{appPage(app)}
	for _, c := range app.VisibleCommands() {
		pages = append(pages, commandPage(app, c))
	}
	files := map[string]string{}
	for _, p := range pages {
		s, err := manpage.Render(p)
		if err != nil {
			return nil, err
		}
		files[p.Name+"."+p.Section] = s
	}
	return files, nil
}

func newPage(name, summary string) manpage.Page {
	return manpage.Page{
		Name: name, Section: "1", Source: "mqtt", Manual: "User Commands", Summary: summary,
		Body: manpage.Body(name, "1"),
	}
}

func appPage(app *cli.App) manpage.Page {
	p := newPage(app.Name, app.Usage)
	p.Synopsis = []string{app.Name + " command [options]", app.Name + " --version"}
	p.Description = app.Description
	var global []cli.Flag
	if !app.HideHelp {
		global = append(global, cli.HelpFlag)
	}
	if !app.HideVersion {
		global = append(global, cli.VersionFlag)
	}
	p.Options = []manpage.OptionGroup{{Title: "Options", Options: manOptions(global)}}
	for _, c := range app.VisibleCommands() {
		p.Commands = append(p.Commands, manpage.Command{
			Name: app.Name + " " + c.Name, Usage: c.Usage, Page: app.Name + "-" + c.Name,
		})
	}
	p.Environment = settingVariables()
	return p
}

// settingVariables are the MQTT_* variables, one for each option a profile may hold.
func settingVariables() []manpage.Variable {
	flags := connFlags("") // in connTable's order
	var out []manpage.Variable
	for i, f := range connTable {
		if f.key == "" {
			continue
		}
		v := manpage.Variable{Name: envName(f.key), Options: manOptions(flags[i : i+1])[0].Names}
		if f.kind == switchFlag {
			v.Values = "true or false"
		}
		out = append(out, v)
	}
	return out
}

func commandPage(app *cli.App, c *cli.Command) manpage.Page {
	p := newPage(app.Name+"-"+c.Name, c.Usage)
	p.Synopsis = strings.Split(c.UsageText, "\n")
	if c.UsageText == "" {
		p.Synopsis = synopsis(app.Name+" "+c.Name, c)
	}
	p.Description = c.Description
	if p.Description == "" {
		p.Description = c.Usage
	}
	p.Options = optionGroups(c)
	if c.Name == "pub" {
		for _, f := range gen.Funcs() {
			p.Functions = append(p.Functions, manpage.Function{
				Name: f.Name, Args: f.Args, Doc: f.Doc, Example: f.Example, Output: f.Output,
			})
		}
	}
	for _, sub := range c.VisibleCommands() {
		// A command with subcommands gets their list and, under a heading each, their options.
		p.Commands = append(p.Commands, manpage.Command{Name: app.Name + " " + c.Name + " " + sub.Name, Usage: sub.Usage})
		if len(sub.VisibleFlags()) > 0 {
			p.Options = append(p.Options, manpage.OptionGroup{
				Title: app.Name + " " + c.Name + " " + sub.Name, Options: manOptions(sub.VisibleFlags()),
			})
		}
	}
	if len(p.Commands) > 0 && p.Body == "" {
		p.Body = ".SH DESCRIPTION\n" + manpage.Escape(p.Description) + "\n.SH COMMANDS\n" +
			manpage.MarkCommands + "\n" + manpage.MarkOptions + "\n"
	}
	return p
}

// synopsis makes the usage lines of a command that has no UsageText: one per subcommand, if it has any.
func synopsis(path string, c *cli.Command) []string {
	subs := c.VisibleCommands()
	if len(subs) == 0 {
		return []string{path + " [options]"}
	}
	var out []string
	for _, sub := range subs {
		line := path + " " + sub.Name
		// ArgsUsage may end in a remark, "[NAME] (default: ...)", which is no part of the syntax.
		args, _, _ := strings.Cut(sub.ArgsUsage, " (")
		if args = strings.TrimSpace(args); args != "" {
			line += " " + args
		}
		if len(sub.VisibleFlags()) > 0 && !strings.Contains(args, "options") {
			line += " [options]"
		}
		out = append(out, line)
	}
	return out
}

// optionGroups lists a command's flags under the headings of its --help (flagGroups).
func optionGroups(c *cli.Command) []manpage.OptionGroup {
	var out []manpage.OptionGroup
	for _, g := range flagGroups(c) {
		out = append(out, manpage.OptionGroup{Title: g.title, Options: manOptions(g.flags)})
	}
	return out
}

// flagKey tells a shared flag (outputFlags, connFlags) from a command's own of the same name: by its
// name and usage, so that a command's own --port stays its own.
func flagKey(f cli.Flag) string {
	usage := ""
	if d, ok := f.(cli.DocGenerationFlag); ok {
		usage = d.GetUsage()
	}
	return f.Names()[0] + "\x00" + usage
}

// manOptions describes flags as --help does: names, a placeholder for the value (the word in backquotes
// in the usage, else the noun of the error messages), the usage and the default.
func manOptions(flags []cli.Flag) []manpage.Option {
	var out []manpage.Option
	for _, f := range flags {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		o := manpage.Option{}
		// Short names first, as mosquitto's pages and most others list them: "-t, --topic".
		for _, short := range []bool{true, false} {
			for _, n := range f.Names() {
				switch {
				case len(n) == 1 && short:
					o.Names = append(o.Names, "-"+n)
				case len(n) > 1 && !short:
					o.Names = append(o.Names, "--"+n)
				}
			}
		}
		d, ok := f.(cli.DocGenerationFlag)
		if !ok {
			out = append(out, o)
			continue
		}
		o.Arg, o.Usage = placeholder(d.GetUsage())
		if d.TakesValue() {
			if o.Arg == "" {
				o.Arg = manArg(f.Names())
			}
			// Most flags quote their default text, as --help shows it.
			o.Default = d.GetDefaultText()
			if u, err := strconv.Unquote(o.Default); err == nil {
				o.Default = u
			}
		} else {
			o.Arg = ""
		}
		if env := d.GetEnvVars(); len(env) > 0 {
			o.Usage += " (environment: " + strings.Join(env, ", ") + ")"
		}
		out = append(out, o)
	}
	return out
}

// placeholder takes the word in backquotes out of a usage string, as urfave/cli does for --help.
func placeholder(usage string) (name, text string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name = usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+2+j:]
}

// manArg names the value of a flag whose usage has no word in backquotes. --help says "value" for most of
// them; the error messages' nouns and this table do better. A flag missing here still reads "value".
func manArg(names []string) string {
	if f := connFlagNamed(names[0]); f != nil && f.arg != "" {
		return f.arg
	}
	switch names[0] {
	case "color":
		return "when"
	case "view":
		return "mode"
	case "repeat-delay":
		return "seconds"
	case "max-inflight":
		return "count"
	}
	for _, n := range names {
		if noun := argNoun(n); noun != "value" {
			return noun
		}
	}
	return "value"
}
