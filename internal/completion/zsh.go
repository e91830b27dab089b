package completion

import (
	"bytes"
	"fmt"
	"strings"
)

// zsh writes a completion function for zsh's completion system: one _arguments call per command, and
// for a command with subcommands, a state that hands the rest of the line to the subcommand's function.
// The file works from $fpath (its first line is #compdef) and sourced after compinit.
func zsh(b *bytes.Buffer, root Command) {
	fmt.Fprintf(b, "#compdef %s\n", root.Name)
	header(b, "#", "zsh", root.Name)
	for _, n := range nodes(root) {
		b.WriteString("\n")
		zshFunction(b, root.Name, n)
	}
	main := zshFunc(root.Name)
	fmt.Fprintf(b, "\nif [[ $funcstack[1] == %s ]]; then\n  %s \"$@\"\nelse\n  compdef %s %s\nfi\n", main, main, main, root.Name)
}

func zshFunc(path string) string { return "_" + ident(strings.ReplaceAll(path, " ", "_")) }

func zshFunction(b *bytes.Buffer, root string, n node) {
	fmt.Fprintf(b, "%s() {\n", zshFunc(n.path))
	var specs []string
	for _, f := range n.Flags {
		specs = append(specs, zshFlag(root, f)...)
	}
	if len(n.Commands) == 0 {
		if a := zshAction(root, n.Args); a != "" {
			specs = append(specs, "*:argument:"+a)
		}
		b.WriteString("  _arguments -S")
		for _, s := range specs {
			fmt.Fprintf(b, " \\\n    %s", shQuote(s))
		}
		b.WriteString("\n}\n")
		return
	}

	b.WriteString("  local curcontext=$curcontext state state_descr line ret=1\n  typeset -A opt_args\n")
	b.WriteString("  _arguments -C -S")
	for _, s := range append(specs, ": :->command", "*:: :->argument") {
		fmt.Fprintf(b, " \\\n    %s", shQuote(s))
	}
	b.WriteString(" && ret=0\n  case $state in\n  command)\n    local -a commands=(\n")
	for _, sub := range n.Commands {
		fmt.Fprintf(b, "      %s\n", shQuote(sub.Name+":"+oneLine(sub.Usage)))
	}
	fmt.Fprintf(b, "    )\n    _describe -t commands %s commands && ret=0\n    ;;\n", shQuote(n.path+" command"))
	fmt.Fprintf(b, "  argument)\n    curcontext=${curcontext%%:*:*}:%s-$words[1]:\n    case $words[1] in\n", ident(strings.ReplaceAll(n.path, " ", "-")))
	for _, sub := range n.Commands {
		fmt.Fprintf(b, "    %s) %s && ret=0 ;;\n", strings.Join(append([]string{sub.Name}, sub.Aliases...), " | "), zshFunc(n.path+" "+sub.Name))
	}
	b.WriteString("    esac\n    ;;\n  esac\n  return ret\n}\n")
}

// zshFlag is the _arguments specs of f, one per name. A long name takes its value after = or as the
// next word, as Go's flag package does.
func zshFlag(root string, f Flag) []string {
	var dashedNames []string
	for _, n := range f.Names {
		dashedNames = append(dashedNames, dashed(n))
	}
	prefix := "(" + strings.Join(dashedNames, " ") + ")"
	if f.Repeatable {
		prefix = "*"
	}
	desc := "[" + zshEscape(oneLine(f.Usage)) + "]"
	var out []string
	for _, d := range dashedNames {
		spec := prefix + d
		if f.TakesValue && len(d) > 2 {
			spec += "="
		}
		spec += desc
		if f.TakesValue {
			action := zshAction(root, f.Values)
			if action == "" {
				action = " "
			}
			spec += ":" + zshEscape(strings.ToLower(f.valueName())) + ":" + action
		}
		out = append(out, spec)
	}
	return out
}

// zshAction is how zsh completes v, root being the program that lists v.Listed; empty when it has
// nothing to offer.
func zshAction(root string, v Values) string {
	files := map[Paths]string{Files: "_files", Dirs: "_files -/"}[v.Paths]
	words := strings.Join(v.Words, " ")
	if len(v.Listed) > 0 {
		// Unquoted, the expansion drops the empty word that no output at all would give.
		code := `local -a listed; listed=(${${(f)"$(` + listed(root, v) + ` 2>/dev/null)"}%% *}); compadd -a listed`
		if words != "" {
			code += "; compadd -- " + words
		}
		if files != "" {
			code = files + "; " + code
		}
		return "{" + code + "}"
	}
	switch {
	case files != "" && words != "":
		return "{" + files + "; compadd -- " + words + "}"
	case files != "":
		return files
	case words != "":
		return "(" + words + ")"
	}
	return ""
}

// zshEscape keeps a description's brackets and colons from ending a part of an _arguments spec.
func zshEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `:`, `\:`).Replace(s)
}

// oneLine is s with its line breaks as spaces: every script keeps a description on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
