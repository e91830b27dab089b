package cmd

import (
	"fmt"
	"mqtt/internal/codec"
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/completion"
	"mqtt/internal/iostreams"
)

//go:generate sh -c "go run .. completion bash > ../completions/mqtt.bash"
//go:generate sh -c "go run .. completion zsh > ../completions/_mqtt"
//go:generate sh -c "go run .. completion fish > ../completions/mqtt.fish"
//go:generate sh -c "go run .. completion powershell > ../completions/mqtt.ps1"

func completionCommand(streams *iostreams.IOStreams) *cli.Command {
	shells := strings.Join(completion.Shells(), "|")
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh, fish or powershell",
		UsageText: "mqtt completion " + shells,
		Description: "Where each shell looks for it:\n" +
			"  mqtt completion bash > ~/.local/share/bash-completion/completions/mqtt\n" +
			"  mqtt completion zsh > ~/.zfunc/_mqtt     (with fpath=(~/.zfunc $fpath) before compinit)\n" +
			"  mqtt completion fish > ~/.config/fish/completions/mqtt.fish\n" +
			"  mqtt completion powershell | Out-String | Invoke-Expression     (in $PROFILE)",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("name one shell: mqtt completion %s", shells)
			}
			// A fresh app, not c.App: running a command adds help flags and commands to it as it goes,
			// and the script must not depend on what ran before.
			return completion.Write(streams.Out, c.Args().First(), completionTree(newApp(streams)))
		},
	}
}

// completionTree describes app's visible commands and flags for completion, as the user can type them.
func completionTree(app *cli.App) completion.Command {
	app.Setup()
	root := completion.Command{Name: app.Name, Usage: app.Usage, Flags: completionFlags(app.VisibleFlags(), !app.HideHelp)}
	root.Commands = completionCommands(app.Name, app.VisibleCommands(), app.Command("help"))
	return root
}

// completionCommands describes the commands under path. help is urfave/cli's help command, which the
// library adds to a command with subcommands only when that command runs; it is left out of cmds and
// put back where the library would put it, so that what already ran does not change the result.
func completionCommands(path string, cmds []*cli.Command, help *cli.Command) []completion.Command {
	var out []completion.Command
	var names []string
	for _, c := range cmds {
		if c.Name == "help" {
			continue
		}
		sub := completion.Command{
			Name: c.Name, Aliases: c.Aliases, Usage: c.Usage,
			Flags:    completionFlags(c.VisibleFlags(), !c.HideHelp),
			Args:     argValues(path + " " + c.Name),
			Commands: completionCommands(path+" "+c.Name, c.VisibleCommands(), help),
		}
		if c.HideHelp || c.HideHelpCommand {
			sub.Commands = dropHelp(sub.Commands)
		}
		out = append(out, sub)
		names = append(names, c.Name)
	}
	if len(out) == 0 || help == nil {
		return out
	}
	out = append(out, completion.Command{
		Name: help.Name, Aliases: help.Aliases, Usage: help.Usage,
		Flags: completionFlags(nil, true),
		Args:  completion.Values{Words: append(names, help.Name)},
	})
	return out
}

func dropHelp(cmds []completion.Command) []completion.Command {
	var out []completion.Command
	for _, c := range cmds {
		if c.Name != "help" {
			out = append(out, c)
		}
	}
	return out
}

// completionFlags describes flags; withHelp adds --help, which urfave/cli gives every command when it
// runs.
func completionFlags(flags []cli.Flag, withHelp bool) []completion.Flag {
	var out []completion.Flag
	for _, f := range flags {
		if cli.HelpFlag != nil && f.Names()[0] == cli.HelpFlag.Names()[0] {
			continue
		}
		out = append(out, completionFlag(f))
	}
	if withHelp && cli.HelpFlag != nil {
		out = append(out, completionFlag(cli.HelpFlag))
	}
	return out
}

func completionFlag(f cli.Flag) completion.Flag {
	cf := completion.Flag{Names: f.Names()}
	if d, ok := f.(cli.DocGenerationFlag); ok {
		cf.ValueName, cf.Usage = unquoteUsage(d.GetUsage())
		cf.TakesValue = d.TakesValue()
	}
	if s, ok := f.(cli.DocGenerationSliceFlag); ok {
		cf.Repeatable = s.IsSliceFlag()
	}
	if cf.TakesValue {
		cf.Values = flagValues(cf.Names[0])
		if takesFile(f) && cf.Values.Paths == completion.NoPaths {
			cf.Values.Paths = completion.Files
		}
	}
	return cf
}

// takesFile reports urfave/cli's own mark for a flag whose value is a file name.
func takesFile(f cli.Flag) bool {
	switch f := unwrapFlag(f).(type) {
	case *cli.StringFlag:
		return f.TakesFile
	case *cli.StringSliceFlag:
		return f.TakesFile
	case *cli.PathFlag:
		return f.TakesFile
	case *cli.GenericFlag:
		return f.TakesFile
	}
	return false
}

// flagValues is what the value of the flag called name can be, for every command alike, so a flag that
// several commands share completes alike in all of them: the connection flags' from their table.
func flagValues(name string) completion.Values {
	if f := connFlagNamed(name); f != nil {
		return f.values
	}
	words := func(w ...string) completion.Values { return completion.Values{Words: w} }
	switch name {
	case "qos":
		return words("0", "1", "2")
	case "color":
		return words("auto", "always", "never")
	case "output":
		return words("text", "hex", "base64")
	case "view":
		return words("auto", "pretty", "plain")
	case "decode":
		return words(codec.Formats...)
	case "encode":
		return words(codec.EncodeFormats...)
	case "file":
		return files
	}
	return completion.Values{}
}

// profileNames are what --profile takes, which `mqtt profile show` and `remove` take too.
func profileNames() completion.Values { return connFlagNamed("profile").values }

// argValues is what the positional arguments of the command at path can be.
func argValues(path string) completion.Values {
	switch path {
	case "mqtt completion":
		return completion.Values{Words: completion.Shells()}
	case "mqtt profile show", "mqtt profile remove":
		return profileNames()
	}
	return completion.Values{}
}

// unquoteUsage splits a flag's usage as urfave/cli's help does: a `quoted` word names the value.
func unquoteUsage(usage string) (name, text string) {
	before, rest, ok := strings.Cut(usage, "`")
	if !ok {
		return "", usage
	}
	name, after, ok := strings.Cut(rest, "`")
	if !ok {
		return "", usage
	}
	return name, before + name + after
}
