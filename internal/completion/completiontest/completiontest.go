// Package completiontest runs completion scripts in the real shells, the way each shell calls them
// when the user presses Tab.
package completiontest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BashCompletionLibrary is the main script of Debian's bash-completion package.
const BashCompletionLibrary = "/usr/share/bash-completion/bash_completion"

// Need returns the path of program, which Debian's package pkg installs. A test without it is skipped,
// except under CI=true, where a missing program is a failure: CI must install pkg.
func Need(t testing.TB, program, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: install the Debian package %s", program, pkg)
	}
	t.Skipf("%s is missing (Debian package %s)", program, pkg)
	return ""
}

// NeedFile is Need for a file that pkg installs.
func NeedFile(t testing.TB, file, pkg string) {
	t.Helper()
	if _, err := os.Stat(file); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: install the Debian package %s", file, pkg)
	}
	t.Skipf("%s is missing (Debian package %s)", file, pkg)
}

// Bash returns what the bash completion in script offers for line, the cursor at its end, run in dir.
// It sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as readline does (so "--color=al" is three
// words) and calls the function that `complete -F` registered for the line's first word. With library,
// the bash-completion package is loaded first, as in an interactive shell of a Debian system.
func Bash(t testing.TB, script, dir, line string, library bool) []string {
	t.Helper()
	bash := Need(t, "bash", "bash")
	words := compWords(line)
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, shQuote(w))
	}
	var prog strings.Builder
	if library {
		NeedFile(t, BashCompletionLibrary, "bash-completion")
		prog.WriteString("source " + shQuote(BashCompletionLibrary) + " || exit 1\n")
	}
	prog.WriteString("source " + shQuote(script) + " || exit 1\n")
	prog.WriteString("COMP_WORDS=(" + strings.Join(quoted, " ") + ")\n")
	prog.WriteString("COMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n")
	prog.WriteString("COMP_LINE=" + shQuote(line) + "\nCOMP_POINT=${#COMP_LINE}\n")
	prog.WriteString(`spec=$(complete -p "${COMP_WORDS[0]}") || exit 1
fn=${spec##*-F }
fn=${fn%% *}
COMPREPLY=()
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`)
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog.String())
	cmd.Dir, cmd.Env = dir, shellEnv(t)
	return lines(t, cmd, "bash", line)
}

// Fish returns what fish offers for line after sourcing script (`complete -C`), run in dir. Each
// offer is the word alone, without fish's description.
func Fish(t testing.TB, script, dir, line string) []string {
	t.Helper()
	fish := Need(t, "fish", "fish")
	cmd := exec.Command(fish, "--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", script, line)
	cmd.Dir, cmd.Env = dir, shellEnv(t)
	out := lines(t, cmd, "fish", line)
	for i, o := range out {
		out[i], _, _ = strings.Cut(o, "\t")
	}
	return out
}

// Zsh returns what zsh's completion system offers for line, run in dir, with the directory of script (a
// file named _COMMAND that starts with #compdef) on $fpath. An interactive zsh runs in a pseudo-terminal
// (zsh's own zpty module); the line is typed into it followed by Tab, and a compadd wrapper notes every
// word that completion adds and that matches what was typed.
func Zsh(t testing.TB, script, dir, line string) []string {
	t.Helper()
	zsh := Need(t, "zsh", "zsh")
	hits := filepath.Join(t.TempDir(), "hits")
	// Both the hang guard and the marker matter: zpty -r waits for the marker, which completion prints
	// when it is done; the context ends a zsh that never gets there.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, zsh, "-f", "-c", zshDriver, "zsh", filepath.Dir(script), hits, line)
	cmd.Dir, cmd.Env = dir, shellEnv(t)
	lines(t, cmd, "zsh", line)
	out, err := os.ReadFile(hits)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var res []string
	for _, w := range strings.Split(string(out), "\n") {
		if w != "" && !slices.Contains(res, w) {
			res = append(res, w)
		}
	}
	slices.Sort(res)
	return res
}

// zshDriver is run as zsh -f -c zshDriver zsh FPATH_DIR HITS_FILE LINE. The markers are written split
// in two so that the terminal's echo of the commands that print them does not match.
const zshDriver = `zmodload zsh/zpty || exit 2
zpty z zsh -f -i || exit 2
zpty -w z "HITS=${(q)2}; fpath=(${(q)1} \$fpath); PS1=''; autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >>$HITS
  builtin compadd "$@"
}'
zpty -w z '__completed() { print -u2 -- "COMPLE""TED" }; comppostfuncs=(__completed); bindkey "^I" complete-word'
zpty -w z 'print -- "REA""DY"'
zpty -r z out '*READY*' || exit 3
zpty -w -n z "$3"$'\t'
zpty -r z out '*COMPLETED*' || exit 4
zpty -d z
`

// shellEnv keeps a shell away from the user's files: fish writes its history and variables under
// HOME and XDG_DATA_HOME even without a config.
func shellEnv(t testing.TB) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home + "/config", "XDG_DATA_HOME=" + home + "/data",
		"PATH=" + os.Getenv("PATH"), "TERM=dumb", "LC_ALL=C.UTF-8"}
}

func lines(t testing.TB, cmd *exec.Cmd, shell, line string) []string {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s completing %q: %v\n%s", shell, line, err, stderr.String())
	}
	var res []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" {
			res = append(res, l)
		}
	}
	slices.Sort(res)
	return res
}

// compWords splits line into words as readline does for COMP_WORDS, given the default
// COMP_WORDBREAKS: blanks separate words, and a run of = or : is a word of its own. A line ending in
// a blank has an empty word last, the one being completed.
func compWords(line string) []string {
	var words []string
	for _, field := range strings.Fields(line) {
		start := 0
		for i := 1; i <= len(field); i++ {
			if i == len(field) || isBreak(field[i]) != isBreak(field[i-1]) {
				words = append(words, field[start:i])
				start = i
			}
		}
	}
	if line == "" || strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	return words
}

func isBreak(c byte) bool { return c == '=' || c == ':' }

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
