package completion

import (
	"bytes"
	"fmt"
	"strings"
)

// fish writes `complete` lines, each with a condition naming the command it belongs to. A helper works
// out that command from the words before the cursor, skipping flag values, so that nested commands
// and a value that happens to read like a command name are told apart.
func fish(b *bytes.Buffer, root Command) {
	fn := "__" + ident(root.Name)
	header(b, "#", "fish", root.Name)
	fmt.Fprintf(b, "\n# %s_valued succeeds when flag $argv[2] (no dashes) of command path $argv[1] takes a value.\n", fn)
	fmt.Fprintf(b, "function %s_valued\n    switch $argv[1]\n", fn)
	for _, n := range nodes(root) {
		if v := valued(n.Command); len(v) > 0 {
			fmt.Fprintf(b, "        case %s\n            contains -- $argv[2] %s\n", shQuote(n.path), strings.Join(v, " "))
		}
	}
	b.WriteString("        case '*'\n            return 1\n    end\nend\n\n")

	fmt.Fprintf(b, "# %s_path prints the path of the command being completed, such as %q.\n", fn, root.Name+" sub")
	fmt.Fprintf(b, "function %s_path\n", fn)
	fmt.Fprintf(b, "    set -l path %s\n", shQuote(root.Name))
	b.WriteString(`    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if test "$w" = --
            break
        else if string match -q -- '-?*' $w
            if not string match -q -- '*=*' $w
`)
	fmt.Fprintf(b, "                and %s_valued $path (string replace -r -- '^--?' '' $w)\n", fn)
	b.WriteString(`                set skip 1
            end
        else
            switch "$path $w"
`)
	for _, n := range nodes(root) {
		for _, sub := range n.Commands {
			var pats []string
			for _, name := range append([]string{sub.Name}, sub.Aliases...) {
				pats = append(pats, shQuote(n.path+" "+name))
			}
			fmt.Fprintf(b, "                case %s\n                    set path %s\n", strings.Join(pats, " "), shQuote(n.path+" "+sub.Name))
		}
	}
	b.WriteString("            end\n        end\n    end\n    echo $path\nend\n\n")

	fmt.Fprintf(b, "# %s_is succeeds when the command being completed is the one its arguments name.\n", fn)
	fmt.Fprintf(b, "function %s_is\n    test (%s_path) = \"$argv\"\nend\n\n", fn, fn)
	fmt.Fprintf(b, "complete -c %s -f\n", root.Name)

	for _, n := range nodes(root) {
		cond := fmt.Sprintf("complete -c %s -n %s", root.Name, shQuote(fn+"_is "+n.path))
		b.WriteString("\n")
		for _, sub := range n.Commands {
			fmt.Fprintf(b, "%s -a %s -d %s\n", cond, sub.Name, fishQuote(oneLine(sub.Usage)))
		}
		if len(n.Commands) == 0 {
			if a := fishValues(root.Name, n.Args, false); a != "" {
				fmt.Fprintf(b, "%s%s\n", cond, a)
			}
		}
		for _, f := range n.Flags {
			b.WriteString(cond)
			for _, name := range f.Names {
				if len(name) == 1 {
					fmt.Fprintf(b, " -o %s", name)
				} else {
					fmt.Fprintf(b, " -l %s", name)
				}
			}
			if f.TakesValue {
				b.WriteString(fishValues(root.Name, f.Values, true))
			}
			fmt.Fprintf(b, " -d %s\n", fishQuote(oneLine(f.Usage)))
		}
	}
}

// fishValues are the options of a complete line that offer v for a flag's value or, with flag false, an
// argument; root is the program that lists v.Listed. -F lets files through the script's "no files" default; for a flag, -r says it takes a
// value and -x is -r with files kept out.
func fishValues(root string, v Values, flag bool) string {
	var s string
	switch {
	case v.Paths == Files && flag:
		s = " -r -F"
	case v.Paths == Files:
		s = " -F"
	case flag:
		s = " -x"
	}
	if v.Paths == Dirs {
		s += " -a '(__fish_complete_directories (commandline -ct))'"
	}
	if len(v.Words) > 0 {
		s += " -a " + shQuote(strings.Join(v.Words, " "))
	}
	if len(v.Listed) > 0 {
		s += " -a " + fishQuote("("+listed(root, v)+` 2>/dev/null | string replace -r -- ' .*' '')`)
	}
	return s
}

// fishQuote quotes s for fish, where a backslash escapes a quote or a backslash inside single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
