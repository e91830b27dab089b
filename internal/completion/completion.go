// Package completion writes shell completion scripts for a tree of commands and flags. The scripts are
// static: they hold the whole tree, so completing never runs the program.
package completion

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

// Command is a command as completion sees it: the root is the program itself.
type Command struct {
	Name    string
	Aliases []string // accepted on the command line, never offered
	Usage   string
	Flags   []Flag
	// Args are what its positional arguments can be.
	Args     Values
	Commands []Command
}

// Flag is one flag of a command.
type Flag struct {
	// Names are the flag's names without dashes, the main one first. A one-letter name is offered as
	// -n, a longer one as --name; the script accepts either spelling, as Go's flag package does.
	Names      []string
	Usage      string
	TakesValue bool
	// ValueName is what the value is called in prompts ("FILE"); empty means the flag's name.
	ValueName  string
	Repeatable bool
	Values     Values
}

// Values are what a flag's value or a positional argument can be: some fixed words, paths, words the
// program lists when asked, or several of these.
type Values struct {
	Words []string
	Paths Paths
	// Listed, when not empty, are the arguments to run the program with, as the user presses Tab, for
	// words that a script written once cannot know (the names of the user's profiles): the first
	// field of each line it prints on stdout. What it prints on stderr is dropped.
	Listed []string
}

// Paths says whether a value is a path, and of what.
type Paths int

const (
	NoPaths Paths = iota
	Files         // any file (or socket): directories are offered to walk into
	Dirs          // directories only
)

// Shells are the shells a script can be written for, in the order they are listed to the user.
func Shells() []string { return []string{"bash", "zsh", "fish", "powershell"} }

// UnknownShellError is the error for a shell Write has no script for.
type UnknownShellError struct{ Shell string }

func (e *UnknownShellError) Error() string {
	return fmt.Sprintf("no completion for shell %q: use one of %s", e.Shell, strings.Join(Shells(), ", "))
}

// Write writes root's completion script for shell to w.
func Write(w io.Writer, shell string, root Command) error {
	gen := map[string]func(*bytes.Buffer, Command){
		"bash": bash, "zsh": zsh, "fish": fish, "powershell": powershell,
	}[shell]
	if gen == nil {
		return &UnknownShellError{Shell: shell}
	}
	if err := check(root); err != nil {
		return err
	}
	var b bytes.Buffer
	gen(&b, root)
	_, err := w.Write(b.Bytes())
	return err
}

// word is what a name or a value may look like: the scripts put them in shell word lists and patterns
// unquoted, so a space or a glob character would change what they mean.
// It is compiled on first use: only the generators check words, and every run of mqtt would pay at start.
var word = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+,@%/-]*$`) })

// check refuses names and values the scripts could not hold as plain words.
func check(c Command) error {
	var bad []string
	note := func(kind, s string) {
		if !word().MatchString(s) {
			bad = append(bad, fmt.Sprintf("%s %q", kind, s))
		}
	}
	var walk func(c Command)
	walk = func(c Command) {
		note("command", c.Name)
		for _, a := range c.Aliases {
			note("alias", a)
		}
		for _, v := range c.Args.Words {
			note("argument value", v)
		}
		for _, v := range c.Args.Listed {
			note("listing argument", v)
		}
		for _, f := range c.Flags {
			if len(f.Names) == 0 {
				bad = append(bad, "a flag of "+c.Name+" without a name")
			}
			for _, n := range f.Names {
				note("flag", n)
			}
			for _, v := range f.Values.Words {
				note("flag value", v)
			}
			for _, v := range f.Values.Listed {
				note("listing argument", v)
			}
		}
		for _, sub := range c.Commands {
			walk(sub)
		}
	}
	walk(c)
	if len(bad) > 0 {
		return fmt.Errorf("cannot write completions for %s: use letters, digits and ._+,@%%/- only", strings.Join(bad, ", "))
	}
	return nil
}

// node is a command with its path from the root ("mqtt broker start"), the key every script uses.
type node struct {
	Command
	path string
}

// nodes lists root and every command below it, parents before children.
func nodes(root Command) []node {
	out := []node{{root, root.Name}}
	for i := 0; i < len(out); i++ {
		for _, sub := range out[i].Commands {
			out = append(out, node{sub, out[i].path + " " + sub.Name})
		}
	}
	return out
}

// dashed is a flag name as offered: -n for one letter, --name otherwise.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// offered lists c's flags as offered, in definition order.
func offered(c Command) []string {
	var out []string
	for _, f := range c.Flags {
		for _, n := range f.Names {
			out = append(out, dashed(n))
		}
	}
	return out
}

// valued lists the names of c's flags that take a value.
func valued(c Command) []string { return namesOf(c, func(f Flag) bool { return f.TakesValue }) }

// repeatable lists the names of c's flags that may be given more than once.
func repeatable(c Command) []string { return namesOf(c, func(f Flag) bool { return f.Repeatable }) }

func namesOf(c Command, keep func(Flag) bool) []string {
	var out []string
	for _, f := range c.Flags {
		if keep(f) {
			out = append(out, f.Names...)
		}
	}
	return out
}

func subNames(c Command) []string {
	var out []string
	for _, sub := range c.Commands {
		out = append(out, sub.Name)
	}
	return out
}

func (f Flag) valueName() string {
	if f.ValueName != "" {
		return f.ValueName
	}
	return f.Names[0]
}

// header is the comment every script starts with.
func header(b *bytes.Buffer, comment, shell, root string) {
	fmt.Fprintf(b, "%s %s completion for %s. Generated by `%s completion %s`: regenerate it rather than edit it.\n",
		comment, shellTitle(shell), root, root, shell)
}

func shellTitle(shell string) string {
	switch shell {
	case "powershell":
		return "PowerShell"
	case "zsh":
		return "Zsh"
	}
	return strings.ToUpper(shell[:1]) + shell[1:]
}

// listed is the command line that lists v's words, as a shell runs it: the program's name and its
// arguments, each quoted.
func listed(root string, v Values) string {
	words := []string{shQuote(root)}
	for _, a := range v.Listed {
		words = append(words, shQuote(a))
	}
	return strings.Join(words, " ")
}
