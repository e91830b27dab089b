package cmd

import (
	"strings"
	"testing"

	"mqtt/internal/mosqargs"
)

// -h is help wherever it is not the host: exit 0, the help on stdout, nothing on stderr.
func TestDashHIsHelpWhereItIsNotTheHost(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"mqtt", "-h"}, "COMMANDS:"},
		{[]string{"mqtt", "broker", "-h"}, "Usage: mqtt broker "},
		{[]string{"mqtt", "broker", "-v", "-h"}, "Usage: mqtt broker "},
		{[]string{"mqtt", "profile", "-h"}, "mqtt profile"},
		{[]string{"mqtt", "profile", "show", "-h"}, "Usage: mqtt profile show "},
		{[]string{"mqtt", "completion", "-h"}, "Usage: mqtt completion "},
	} {
		code, out, errOut := run(t, c.args...)
		if code != 0 || errOut != "" || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, stderr %q, stdout %.80q; want exit 0 and %q", c.args, code, errOut, out, c.want)
		}
	}
	// Where -h is the host, it still is: a missing value is mosquitto's error.
	code, _, errOut := run(t, "mqtt", "pub", "-t", "a", "-m", "x", "-h")
	if code != 1 || !strings.HasPrefix(errOut, "Error: -h argument given but no host specified.") {
		t.Errorf("pub -h: exit %d, stderr %q", code, errOut)
	}
}

// An unknown command or option names the one meant, and the usage hint names the command that ran,
// not the words that were mistyped.
func TestUsageErrorsNameWhatWasMeant(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"mqtt", "--verison"}, "Error: Unknown option '--verison': did you mean '--version'?\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "-p", "1", "pub"}, "Error: Unknown option '-p': options go after the command, as in 'mqtt pub -p ...'.\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "pubb"}, "Error: Unknown command 'pubb': did you mean 'pub'?\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "subscribe", "-t", "a"}, "Error: Unknown command 'subscribe': did you mean 'sub'?\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "help", "brokr"}, "Error: Unknown command 'brokr': did you mean 'broker'?\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "xyzzy"}, "Error: Unknown command 'xyzzy'.\nUse 'mqtt --help' to see usage.\n"},
		{[]string{"mqtt", "profile", "shwo"}, "Error: Unknown command 'shwo': did you mean 'show'?\nUse 'mqtt profile --help' to see usage.\n"},
		{[]string{"mqtt", "pub", "--verison"}, "Error: Unknown option '--verison': did you mean '--version'?\nUse 'mqtt pub --help' to see usage.\n"},
		{[]string{"mqtt", "sub", "-t", "a", "--retain-as"}, "Error: Unknown option '--retain-as': did you mean '--retain-as-published'?\nUse 'mqtt sub --help' to see usage.\n"},
		{[]string{"mqtt", "sub", "-t", "a", "-retianed-only"}, "Error: Unknown option '-retianed-only': did you mean '--retained-only'?\nUse 'mqtt sub --help' to see usage.\n"},
		{[]string{"mqtt", "pub", "-t", "a", "-m", "x", "--topics", "b"}, "Error: Unknown option '--topics': did you mean '--topic'?\nUse 'mqtt pub --help' to see usage.\n"},
		// One letter is a typo of any other: no guess.
		{[]string{"mqtt", "pub", "-t", "a", "-m", "x", "-e"}, "Error: Unknown option '-e'.\nUse 'mqtt pub --help' to see usage.\n"},
		{[]string{"mqtt", "profile", "add", "home", "--hots", "x"}, "Error: Unknown option '--hots': did you mean '--host'?\nUse 'mqtt profile add --help' to see usage.\n"},
	} {
		code, out, errOut := run(t, c.args...)
		if code != 1 || out != "" || errOut != c.want {
			t.Errorf("%v: exit %d, stdout %q\nstderr %q\nwant   %q", c.args, code, out, errOut, c.want)
		}
	}
}

// --help fits two screens: options first under their headings, no "(default: false)" on switches,
// and the template reference only in --template-help.
func TestCommandHelpIsShort(t *testing.T) {
	for _, c := range []struct {
		command, first string
	}{{"pub", "Message:"}, {"sub", "Subscription:"}, {"rr", "Request:"}} {
		code, out, errOut := run(t, "mqtt", c.command, "--help")
		if code != 0 || errOut != "" {
			t.Fatalf("%s --help: exit %d, stderr %q", c.command, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) > 110 {
			t.Errorf("%s --help is %d lines, want at most 110", c.command, len(lines))
		}
		if !strings.HasPrefix(lines[0], "Usage: mqtt "+c.command+" ") || lines[3] != c.first {
			t.Errorf("%s --help starts %q, want the usage and then %q", c.command, lines[:4], c.first)
		}
		for _, heading := range []string{"Connection:", "TLS:", "MQTT 5:", "Login:", "Diagnostics:"} {
			if !strings.Contains(out, "\n"+heading+"\n") {
				t.Errorf("%s --help has no heading %q", c.command, heading)
			}
		}
		if strings.Contains(out, "(default: false)") || strings.Contains(out, "randInt") {
			t.Errorf("%s --help has a switch's default or the template reference:\n%s", c.command, out)
		}
	}
	_, out, _ := run(t, "mqtt", "pub", "--template-help")
	if !strings.Contains(out, "randInt MIN MAX") {
		t.Errorf("--template-help lost the functions:\n%s", out)
	}
}

// pub, sub and rr answer --version as mosquitto's clients do (one line on stdout, exit 1), naming mqtt;
// linked, the version line keeps mosquitto's start and names mqtt where mosquitto names libmosquitto.
func TestCommandVersion(t *testing.T) {
	for client, name := range mosquittoClients {
		code, out, errOut := run(t, "mqtt", client, "--version")
		want := "mqtt " + client + " version " + versionText() + ", compatible with " + name + " " + mosqargs.Release + ".\n"
		if code != 1 || errOut != "" || out != want {
			t.Errorf("mqtt %s --version: exit %d, stdout %q, stderr %q; want exit 1, %q", client, code, out, errOut, want)
		}
		code, out, _ = run(t, name, "--version")
		want = name + " version 2.0.11 running on mqtt " + versionText() + ".\n"
		if code != 1 || out != want {
			t.Errorf("%s --version: exit %d, stdout %q; want %q", name, code, out, want)
		}
		_, out, _ = run(t, name, "--help")
		if strings.Contains(out, "libmosquitto") || !strings.Contains(out, "running on mqtt ") {
			t.Errorf("%s --help claims libmosquitto:\n%.300s", name, out)
		}
	}
	// The usage mosquitto_pub prints after a mistake stays mosquitto's, byte for byte: scripts compare it.
	if _, out, _ := run(t, "mosquitto_pub"); out != mosqargs.Usage(mosqargs.Pub) || !strings.Contains(out, "running on libmosquitto 2.0.11.") {
		t.Errorf("mosquitto_pub with no arguments printed another usage:\n%.300s", out)
	}
}
