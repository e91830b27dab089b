package completion

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// bash writes a completion function for bash 4 or later. The tree becomes four lookup functions (what a
// command offers, which word leads to which subcommand, what a value can be, and the reply); the
// function that bash calls is the same for every tree.
func bash(b *bytes.Buffer, root Command) {
	fn := "__" + ident(root.Name)
	header(b, "#", "bash", root.Name)
	b.WriteString("# It works alone; with the bash-completion package it also completes --flag=value and quoted paths.\n\n")

	fmt.Fprintf(b, "# %s_spec sets, for the command path $1, subs (its subcommands), flags (as offered), valued\n", fn)
	b.WriteString("# (the names, without dashes, of its flags that take a value) and repeated (those that may be\n# given more than once).\n")
	fmt.Fprintf(b, "%s_spec() {\n    case $1 in\n", fn)
	for _, n := range nodes(root) {
		fmt.Fprintf(b, "    %s)\n", shQuote(n.path))
		fmt.Fprintf(b, "        subs=%s\n", shQuote(strings.Join(subNames(n.Command), " ")))
		fmt.Fprintf(b, "        flags=%s\n", shQuote(strings.Join(offered(n.Command), " ")))
		fmt.Fprintf(b, "        valued=%s\n", shQuote(strings.Join(valued(n.Command), " ")))
		fmt.Fprintf(b, "        repeated=%s\n", shQuote(strings.Join(repeatable(n.Command), " ")))
		b.WriteString("        ;;\n")
	}
	b.WriteString("    *) subs= flags= valued= repeated= ;;\n    esac\n}\n\n")

	fmt.Fprintf(b, "# %s_descend moves path down to the subcommand that word $1 names, if it names one.\n", fn)
	fmt.Fprintf(b, "%s_descend() {\n    case \"$path $1\" in\n", fn)
	for _, n := range nodes(root) {
		for _, sub := range n.Commands {
			var pats []string
			for _, name := range append([]string{sub.Name}, sub.Aliases...) {
				pats = append(pats, shQuote(n.path+" "+name))
			}
			fmt.Fprintf(b, "    %s) path=%s ;;\n", strings.Join(pats, " | "), shQuote(n.path+" "+sub.Name))
		}
	}
	b.WriteString("    esac\n}\n\n")

	fmt.Fprintf(b, "# %s_values sets choices (words) and paths (files, dirs or nothing) to what the value of flag $2\n", fn)
	b.WriteString("# of command path $1 can be, or with $2 empty, what the command's arguments can be.\n")
	fmt.Fprintf(b, "%s_values() {\n    choices= paths=\n    case $1 in\n", fn)
	for _, n := range nodes(root) {
		groups := valueGroups(n.Command)
		if len(groups) == 0 {
			continue
		}
		fmt.Fprintf(b, "    %s)\n        case $2 in\n", shQuote(n.path))
		for _, g := range groups {
			var pats []string
			for _, name := range g.names {
				pats = append(pats, shQuote(name))
			}
			fmt.Fprintf(b, "        %s) %s ;;\n", strings.Join(pats, " | "), bashValues(root.Name, g.values))
		}
		b.WriteString("        esac\n        ;;\n")
	}
	b.WriteString("    esac\n}\n\n")

	b.WriteString(strings.NewReplacer("@FN@", fn, "@MAIN@", "_"+ident(root.Name), "@ROOT@", root.Name).Replace(bashMain))
}

// bashValues is the assignment that sets choices and paths to v; root is the program, which lists the
// words of v.Listed.
func bashValues(root string, v Values) string {
	var parts []string
	if len(v.Words) > 0 {
		parts = append(parts, "choices="+shQuote(strings.Join(v.Words, " ")))
	}
	if len(v.Listed) > 0 {
		parts = append(parts, `choices+=" $(`+listed(root, v)+` 2>/dev/null | while read -r w _; do printf '%s ' "$w"; done)"`)
	}
	switch v.Paths {
	case Files:
		parts = append(parts, "paths=files")
	case Dirs:
		parts = append(parts, "paths=dirs")
	}
	return strings.Join(parts, " ")
}

// valueGroup is the flags of one command whose values are the same, so that a script names them once.
// The name "" stands for the command's positional arguments.
type valueGroup struct {
	names  []string
	values Values
}

func valueGroups(c Command) []valueGroup {
	var out []valueGroup
	add := func(names []string, v Values) {
		if len(v.Words) == 0 && v.Paths == NoPaths && len(v.Listed) == 0 {
			return
		}
		for i := range out {
			if sameValues(out[i].values, v) {
				out[i].names = append(out[i].names, names...)
				return
			}
		}
		out = append(out, valueGroup{append([]string(nil), names...), v})
	}
	for _, f := range c.Flags {
		if f.TakesValue {
			add(f.Names, f.Values)
		}
	}
	add([]string{""}, c.Args)
	return out
}

func sameValues(a, b Values) bool {
	return a.Paths == b.Paths && slices.Equal(a.Words, b.Words) && slices.Equal(a.Listed, b.Listed)
}

// bashMain finds the command being completed from the words before the cursor, skipping flag values,
// and replies with flags, values, subcommands or arguments.
const bashMain = `# @FN@_reply sets COMPREPLY to the paths and choices that start with cur.
@FN@_reply() {
    COMPREPLY=()
    if [[ $paths == dirs ]]; then
        if declare -F _filedir >/dev/null; then
            _filedir -d
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        fi
    elif [[ $paths == files ]]; then
        if declare -F _filedir >/dev/null; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
    fi
    if [[ -n $choices ]]; then
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$choices" -- "$cur")
    fi
}

# @FN@_unused sets choices to the flags of $flags that are not among the names in $used, unless they
# may be given again: --help once is enough.
@FN@_unused() {
    local f n
    choices=
    for f in $flags; do
        n=${f#-}
        n=${n#-}
        if [[ " $used " != *" $n "* || " $repeated " == *" $n "* ]]; then
            choices+=" $f"
        fi
    done
}

@MAIN@() {
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${words[cword]}
        prev=${words[cword - 1]}
        # Bash alone splits --flag=value into three words: --flag, = and value.
        if [[ $cur == = ]]; then
            cur= split=true
        elif [[ $prev == = ]]; then
            prev=${words[cword - 2]} split=true
        fi
    fi

    local path=@ROOT@ subs flags valued repeated choices paths name valueof= dashdash= used= i w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $w == -- ]]; then
            dashdash=1
            break
        elif [[ $w == -?* ]]; then
            @FN@_spec "$path"
            name=${w#-}
            name=${name#-}
            used+=" ${name%%=*}"
            if [[ $w != *=* && " $valued " == *" $name "* ]]; then
                if ((i + 1 == cword)); then
                    valueof=$name
                fi
                ((i++))
            fi
        else
            @FN@_descend "$w"
        fi
    done
    if [[ $split == true && $prev == -?* ]]; then
        valueof=${prev#-}
        valueof=${valueof#-}
    fi

    @FN@_spec "$path"
    if [[ -n $valueof ]]; then
        @FN@_values "$path" "$valueof"
    elif [[ $cur == -* && -z $dashdash ]]; then
        @FN@_unused
        paths=
    else
        @FN@_values "$path" ""
        choices="$subs $choices"
        # A command that takes no arguments offers its flags.
        if [[ -z ${choices// /} && -z $paths && -z $dashdash ]]; then
            @FN@_unused
        fi
    fi
    @FN@_reply
}

complete -F @MAIN@ @ROOT@
`

// shQuote quotes s as one word for bash, zsh or fish.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ident is s usable in a function name.
func ident(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
