package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/completion"
	"mqtt/internal/completion/completiontest"
	"mqtt/internal/iostreams"
)

// completionFiles are the committed scripts, by shell.
var completionFiles = map[string]string{
	"bash":       "mqtt.bash",
	"zsh":        "_mqtt",
	"fish":       "mqtt.fish",
	"powershell": "mqtt.ps1",
}

// completionScript is what `mqtt completion shell` prints.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, out, errOut := run(t, "mqtt", "completion", shell)
	if code != 0 || errOut != "" {
		t.Fatalf("mqtt completion %s: exit %d, stderr %q", shell, code, errOut)
	}
	return out
}

// writeScript writes what `mqtt completion shell` prints to a file of its own.
func writeScript(t *testing.T, shell string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), completionFiles[shell])
	if err := os.WriteFile(p, []byte(completionScript(t, shell)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The committed scripts are what the binary generates: a new command or flag fails this test until
// the scripts are regenerated.
func TestCompletionFilesAreCurrent(t *testing.T) {
	for _, shell := range completion.Shells() {
		file := completionFiles[shell]
		committed, err := os.ReadFile(filepath.Join("..", "completions", file))
		if err != nil {
			t.Errorf("%v: run `go generate ./cmd` to write it", err)
			continue
		}
		if string(committed) != completionScript(t, shell) {
			t.Errorf("completions/%s differs from `mqtt completion %s`: run `go generate ./cmd` "+
				"(or `go run . completion %s > completions/%s`) and commit the result", file, shell, shell, file)
		}
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	for _, args := range [][]string{{"tcsh"}, {}, {"bash", "zsh"}} {
		code, out, errOut := run(t, append([]string{"mqtt", "completion"}, args...)...)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "Error: ") ||
			!strings.Contains(errOut, "bash") || !strings.Contains(errOut, "powershell") {
			t.Errorf("mqtt completion %v: exit %d, stdout %q, stderr %q; want one Error line naming the shells, exit 1",
				args, code, out, errOut)
		}
	}
}

// completionDir is a working directory with a file and a directory, for path completion.
func completionDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBashCompletion(t *testing.T) {
	script, dir := writeScript(t, "bash"), completionDir(t)
	cases := []completionCase{
		{"mqtt pu", []string{"pub"}},
		{"mqtt ", topCommands()},
		{"mqtt sub --ret", []string{"--retain-as-published", "--retained-only"}},
		{"mqtt pub -q ", []string{"0", "1", "2"}},
		{"mqtt sub --will-qos 1", []string{"1"}},
		{"mqtt rr -V ", []string{"31", "311", "5", "mqttv31", "mqttv311", "mqttv5"}},
		{"mqtt sub --protocol-version mqttv3", []string{"mqttv31", "mqttv311"}},
		{"mqtt sub --color ", []string{"always", "auto", "never"}},
		{"mqtt sub --output h", []string{"hex"}},
		{"mqtt pub --tls-version ", []string{"tlsv1.1", "tlsv1.2", "tlsv1.3"}},
		{"mqtt pub -f ", []string{"ca.pem", "certs"}},
		{"mqtt pub --cafile c", []string{"ca.pem", "certs"}},
		{"mqtt sub --unix ", []string{"ca.pem", "certs"}},
		{"mqtt sub --capath ", []string{"certs"}},
		// A value is not a flag, and a value is not a command.
		{"mqtt pub -t ", nil},
		{"mqtt pub -m -q -q ", []string{"0", "1", "2"}},
		{"mqtt sub -t pub --rem", []string{"--remove-retained"}},
		{"mqtt completion ", []string{"bash", "fish", "powershell", "zsh"}},
		{"mqtt help s", []string{"sub"}},
		{"mqtt h r", []string{"rr"}},
		{"mqtt --v", []string{"--version"}},
		{"mqtt pub --hel", []string{"--help"}},
		// Short flags are offered, one dash each.
		{"mqtt sub -T", []string{"-T"}},
		// After --, nothing is a flag.
		{"mqtt pub -- -", nil},
	}
	for _, library := range []bool{true, false} {
		for _, c := range cases {
			got := completiontest.Bash(t, script, dir, c.line, library)
			if !slices.Equal(got, c.want) {
				t.Errorf("bash-completion %v: %q offers %q, want %q", library, c.line, got, c.want)
			}
		}
	}
	// --flag=value is three words to readline; bash-completion puts them back together, and the script
	// does the same without it.
	for _, library := range []bool{true, false} {
		for line, want := range map[string][]string{
			"mqtt sub --color=":    {"always", "auto", "never"},
			"mqtt sub --color=al":  {"always"},
			"mqtt pub --qos=":      {"0", "1", "2"},
			"mqtt pub --capath=ce": {"certs"},
		} {
			if got := completiontest.Bash(t, script, dir, line, library); !slices.Equal(got, want) {
				t.Errorf("bash-completion %v: %q offers %q, want %q", library, line, got, want)
			}
		}
	}
}

type completionCase struct {
	line string
	want []string
}

// Fish and zsh get the same questions; they differ in how they show --flag=value and directories.
var fishZshCases = []completionCase{
	{"mqtt pu", []string{"pub"}},
	{"mqtt ", topCommands()},
	{"mqtt sub --ret", []string{"--retain-as-published", "--retained-only"}},
	{"mqtt pub -q ", []string{"0", "1", "2"}},
	{"mqtt sub -V ", []string{"31", "311", "5", "mqttv31", "mqttv311", "mqttv5"}},
	{"mqtt sub --output ", []string{"base64", "hex", "text"}},
	{"mqtt rr --color ", []string{"always", "auto", "never"}},
	{"mqtt pub -t ", nil},
	{"mqtt sub -t pub --rem", []string{"--remove-retained"}},
	{"mqtt completion ", []string{"bash", "fish", "powershell", "zsh"}},
	{"mqtt h r", []string{"rr"}},
}

func TestFishCompletion(t *testing.T) {
	script, dir := writeScript(t, "fish"), completionDir(t)
	cases := append(slices.Clone(fishZshCases),
		completionCase{"mqtt sub --color=", []string{"--color=always", "--color=auto", "--color=never"}},
		completionCase{"mqtt pub --cafile ", []string{"ca.pem", "certs/"}},
		completionCase{"mqtt pub --capath ", []string{"certs/"}},
	)
	for _, c := range cases {
		if got := completiontest.Fish(t, script, dir, c.line); !slices.Equal(got, c.want) {
			t.Errorf("fish: %q offers %q, want %q", c.line, got, c.want)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	script, dir := writeScript(t, "zsh"), completionDir(t)
	cases := append(slices.Clone(fishZshCases),
		completionCase{"mqtt sub --color=", []string{"always", "auto", "never"}},
		completionCase{"mqtt pub --cafile ", []string{"ca.pem", "certs"}},
		completionCase{"mqtt pub --capath ", []string{"certs"}},
	)
	for _, c := range cases {
		if got := completiontest.Zsh(t, script, dir, c.line); !slices.Equal(got, c.want) {
			t.Errorf("zsh: %q offers %q, want %q", c.line, got, c.want)
		}
	}
}

func TestZshCompletionSyntax(t *testing.T) {
	zsh := completiontest.Need(t, "zsh", "zsh")
	if out, err := exec.Command(zsh, "-n", writeScript(t, "zsh")).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}

func TestFishCompletionSyntax(t *testing.T) {
	fish := completiontest.Need(t, "fish", "fish")
	if out, err := exec.Command(fish, "--no-execute", writeScript(t, "fish")).CombinedOutput(); err != nil {
		t.Fatalf("fish --no-execute: %v\n%s", err, out)
	}
}

// The tree follows the app: hidden commands and flags stay out, nested commands get urfave/cli's help
// command, and a flag marked TakesFile completes files.
func TestCompletionTree(t *testing.T) {
	io, _, _ := iostreams.Test("")
	newApp(io) // sets urfave/cli's help flag to mqtt's --help
	app := &cli.App{
		Name: "tool",
		Commands: []*cli.Command{
			{Name: "secret", Hidden: true},
			{Name: "broker", Aliases: []string{"b"}, Subcommands: []*cli.Command{
				{Name: "start", Flags: []cli.Flag{
					&cli.StringFlag{Name: "config", Aliases: []string{"c"}, TakesFile: true, Usage: "read `FILE`"},
					&cli.StringFlag{Name: "internal", Hidden: true},
					&cli.StringSliceFlag{Name: "listen"},
					&cli.BoolFlag{Name: "foreground"},
				}},
			}},
		},
	}
	root := completionTree(app)
	var names []string
	for _, c := range root.Commands {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"broker", "help"}) {
		t.Fatalf("commands %q, want broker and help", names)
	}
	broker := root.Commands[0]
	if len(broker.Commands) != 2 || broker.Commands[0].Name != "start" || broker.Commands[1].Name != "help" ||
		!slices.Equal(broker.Commands[1].Args.Words, []string{"start", "help"}) || !slices.Equal(broker.Aliases, []string{"b"}) {
		t.Fatalf("broker: %+v", broker)
	}
	want := []completion.Flag{
		{Names: []string{"config", "c"}, Usage: "read FILE", TakesValue: true, ValueName: "FILE", Values: completion.Values{Paths: completion.Files}},
		{Names: []string{"listen"}, TakesValue: true, Repeatable: true},
		{Names: []string{"foreground"}},
		{Names: []string{"help"}, Usage: "show help"},
	}
	got := broker.Commands[0].Flags
	if len(got) != len(want) {
		t.Fatalf("start flags %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !slices.Equal(g.Names, w.Names) || g.Usage != w.Usage || g.TakesValue != w.TakesValue ||
			g.ValueName != w.ValueName || g.Repeatable != w.Repeatable || g.Values.Paths != w.Values.Paths {
			t.Errorf("flag %d: %+v, want %+v", i, g, w)
		}
	}
}

// topCommands is what `mqtt <Tab>` offers: every visible command and help, sorted as the tests compare.
func topCommands() []string {
	names := []string{"help"}
	streams, _, _ := iostreams.Test("")
	for _, c := range newApp(streams).Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	return names
}

// stubProgram puts a program named mqtt first on PATH that prints out for `mqtt profile list`, as the
// completion scripts run it, so that the shells see profiles without the real binary installed.
func stubProgram(t *testing.T, out string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\n[ \"$*\" = 'profile list' ] && printf '" + out + "'\nexit 0\n"
	if err := os.WriteFile(filepath.Join(dir, "mqtt"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// Profile names complete for --profile and for profile show and remove, listed by the program as the
// user presses Tab; a command whose arguments have nothing to offer offers each flag once, so that
// `mqtt profile show <Tab><Tab>` no longer inserts --help --help.
func TestCompletionOfProfileNames(t *testing.T) {
	dir := completionDir(t)
	shells := map[string]func(line string) []string{}
	bash, zsh, fish := writeScript(t, "bash"), writeScript(t, "zsh"), writeScript(t, "fish")
	shells["bash"] = func(line string) []string { return completiontest.Bash(t, bash, dir, line, true) }
	shells["bash without bash-completion"] = func(line string) []string { return completiontest.Bash(t, bash, dir, line, false) }
	shells["zsh"] = func(line string) []string { return completiontest.Zsh(t, zsh, dir, line) }
	shells["fish"] = func(line string) []string { return completiontest.Fish(t, fish, dir, line) }

	stubProgram(t, `home (default)\nlab\n`)
	for _, c := range []completionCase{
		{"mqtt profile show ", []string{"home", "lab"}},
		{"mqtt profile remove l", []string{"lab"}},
		{"mqtt pub --profile ", []string{"home", "lab"}},
		{"mqtt sub -t x --profile h", []string{"home"}},
	} {
		for shell, complete := range shells {
			if got := complete(c.line); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q offers %q, want %q", shell, c.line, got, c.want)
			}
		}
	}

	stubProgram(t, "")
	for shell, complete := range shells {
		if got := complete("mqtt profile show --help "); len(got) != 0 {
			t.Errorf("%s: after --help, %q is offered again", shell, got)
		}
	}
	if got := completiontest.Bash(t, bash, dir, "mqtt profile show ", true); !slices.Equal(got, []string{"--help"}) {
		t.Errorf("bash: with no profiles, profile show offers %q, want --help", got)
	}
}

// What the scripts run lists the names: the first word of each line of `mqtt profile list`.
func TestProfileListGivesTheNamesCompletionReads(t *testing.T) {
	isolateSettings(t, t.TempDir())
	for _, args := range [][]string{{"home", "-h", "h", "--default"}, {"lab", "-h", "l"}} {
		if code, _, errOut := run(t, append([]string{"mqtt", "profile", "add"}, args...)...); code != 0 {
			t.Fatalf("profile add %v: %s", args, errOut)
		}
	}
	_, out, _ := run(t, append([]string{"mqtt"}, profileNames().Listed...)...)
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		names = append(names, strings.Fields(line)[0])
	}
	if !slices.Equal(names, []string{"home", "lab"}) {
		t.Errorf("mqtt %v printed %q: first words %q, want home and lab", profileNames().Listed, out, names)
	}
}
