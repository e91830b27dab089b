package completion_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mqtt/internal/completion"
	"mqtt/internal/completion/completiontest"
)

// tree has what mqtt's own commands lack: commands two levels deep, an alias, a flag of the root
// that takes a value, and arguments that are files.
var tree = completion.Command{
	Name: "tool",
	Flags: []completion.Flag{
		{Names: []string{"profile", "P"}, Usage: "use the profile `NAME`", TakesValue: true},
		{Names: []string{"help"}, Usage: "show help"},
	},
	Commands: []completion.Command{
		{Name: "broker", Aliases: []string{"b"}, Usage: "run a broker [embedded]: it's mochi", Commands: []completion.Command{
			{Name: "start", Usage: "start it", Flags: []completion.Flag{
				{Names: []string{"config", "c"}, Usage: "read 'FILE'", TakesValue: true, Values: completion.Values{Paths: completion.Files}},
				{Names: []string{"listen"}, TakesValue: true, Repeatable: true, Values: completion.Values{Words: []string{"tcp", "ws"}}},
				{Names: []string{"foreground"}},
			}},
			{Name: "stop", Usage: "stop it’s broker (or {later})"},
		}},
		{Name: "load", Usage: "load files", Args: completion.Values{Paths: completion.Files}},
		{Name: "start", Usage: "a top-level command with a nested one's name"},
	},
}

func script(t *testing.T, shell, name string) string {
	t.Helper()
	var b bytes.Buffer
	if err := completion.Write(&b, shell, tree); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func workDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broker.conf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type lineCase struct {
	line string
	want []string
}

// The nested commands, as every shell must see them.
var nested = []lineCase{
	{"tool ", []string{"broker", "load", "start"}},
	{"tool broker ", []string{"start", "stop"}},
	{"tool b st", []string{"start", "stop"}},
	{"tool broker start --l", []string{"--listen"}},
	{"tool broker start --listen tcp --listen ", []string{"tcp", "ws"}},
	{"tool broker start --fore", []string{"--foreground"}},
	// A value that names a command is still a value.
	{"tool --profile broker ", []string{"broker", "load", "start"}},
	{"tool -P b st", []string{"start"}},
	{"tool load ", []string{"broker.conf"}},
	{"tool broker start -c ", []string{"broker.conf"}},
}

func TestBashNested(t *testing.T) {
	s, dir := script(t, "bash", "tool.bash"), workDir(t)
	for _, library := range []bool{true, false} {
		for _, c := range nested {
			if got := completiontest.Bash(t, s, dir, c.line, library); !slices.Equal(got, c.want) {
				t.Errorf("bash-completion %v: %q offers %q, want %q", library, c.line, got, c.want)
			}
		}
	}
}

func TestFishNested(t *testing.T) {
	s, dir := script(t, "fish", "tool.fish"), workDir(t)
	for _, c := range nested {
		if got := completiontest.Fish(t, s, dir, c.line); !slices.Equal(got, c.want) {
			t.Errorf("fish: %q offers %q, want %q", c.line, got, c.want)
		}
	}
}

func TestZshNested(t *testing.T) {
	s, dir := script(t, "zsh", "_tool"), workDir(t)
	for _, c := range nested {
		if got := completiontest.Zsh(t, s, dir, c.line); !slices.Equal(got, c.want) {
			t.Errorf("zsh: %q offers %q, want %q", c.line, got, c.want)
		}
	}
}

func TestUnknownShell(t *testing.T) {
	var b bytes.Buffer
	err := completion.Write(&b, "tcsh", tree)
	var u *completion.UnknownShellError
	if !errors.As(err, &u) || u.Shell != "tcsh" || b.Len() != 0 {
		t.Fatalf("Write(tcsh): %v, %d bytes written", err, b.Len())
	}
	for _, shell := range completion.Shells() {
		if !strings.Contains(err.Error(), shell) {
			t.Errorf("%q does not name %s", err, shell)
		}
	}
}

// A name the scripts would have to quote is refused, not written into a script where it would mean
// something else.
func TestRefusesUnsafeNames(t *testing.T) {
	for _, bad := range []completion.Command{
		{Name: "tool", Commands: []completion.Command{{Name: "a b"}}},
		{Name: "tool", Flags: []completion.Flag{{Names: []string{"x*"}}}},
		{Name: "tool", Flags: []completion.Flag{{Names: []string{"q"}, TakesValue: true, Values: completion.Values{Words: []string{"it's"}}}}},
		{Name: "tool", Args: completion.Values{Words: []string{"$(reboot)"}}},
	} {
		for _, shell := range completion.Shells() {
			var b bytes.Buffer
			if err := completion.Write(&b, shell, bad); err == nil || b.Len() != 0 {
				t.Errorf("%s: %+v: err %v, %d bytes written", shell, bad, err, b.Len())
			}
		}
	}
}

// No PowerShell runs here (Debian does not package it), so this checks what a quoting mistake would
// break: outside strings and comments, every bracket closes, and every string ends on its line.
func TestPowerShellBalanced(t *testing.T) {
	var b bytes.Buffer
	if err := completion.Write(&b, "powershell", tree); err != nil {
		t.Fatal(err)
	}
	var stack []rune
	closer := map[rune]rune{')': '(', '}': '{', ']': '['}
	src := []rune(b.String())
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case isQuote(c):
			// A single-quoted string ends at a quote that is not doubled; any of the four quotes counts.
			for i++; ; i++ {
				if i >= len(src) || src[i] == '\n' {
					t.Fatalf("a single-quoted string does not end on its line:\n%s", b.String())
				}
				if isQuote(src[i]) {
					if i+1 < len(src) && isQuote(src[i+1]) {
						i++
						continue
					}
					break
				}
			}
		case c == '(' || c == '{' || c == '[':
			stack = append(stack, c)
		case closer[c] != 0:
			if len(stack) == 0 || stack[len(stack)-1] != closer[c] {
				t.Fatalf("unbalanced %q at offset %d:\n%s", c, i, string(src[:i+1]))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %q", string(stack))
	}
}

func isQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}
