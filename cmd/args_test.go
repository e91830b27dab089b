package cmd

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

// parseArgs runs args (after the program and command name) through longNames and a command with a
// repeatable -t/--topic and a single -q/--qos, and returns what the command sees.
func parseArgs(t *testing.T, args ...string) (topics []string, qos string) {
	t.Helper()
	app := &cli.App{
		Writer: &bytes.Buffer{}, ErrWriter: &bytes.Buffer{}, HideHelp: true,
		ExitErrHandler:            func(*cli.Context, error) {},
		DisableSliceFlagSeparator: true, // as newApp: a topic may contain a comma
		Commands: []*cli.Command{{
			Name: "c",
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "topic", KeepSpace: true, Aliases: []string{"t"}},
				&cli.StringFlag{Name: "qos", Aliases: []string{"q"}},
				&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}},
			},
			Action: func(c *cli.Context) error {
				topics, qos = stringSlice(c, "topic"), c.String("qos")
				return nil
			},
		}},
	}
	full := append([]string{"mqtt", "c"}, args...)
	full = longNames(full, commandFlags(app, full), valueFlags(app, full))
	if err := app.Run(full); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return topics, qos
}

// Every spelling of a flag may be mixed, as with mosquitto, and a repeatable flag's values arrive as
// given: in order, with their spaces, and byte for byte where they are not UTF-8.
func TestLongNamesKeepValues(t *testing.T) {
	values := []string{" a ", "a,b", "caf\xe9", rawMark + "00", "\x00raw", "-t", "", "x=y", "\xc0\xaf"}
	var args []string
	for i, v := range values {
		switch i % 3 {
		case 0:
			args = append(args, "-t", v)
		case 1:
			args = append(args, "--topic", v)
		default:
			args = append(args, "--t="+v)
		}
	}
	args = append(args, "-q", "1", "-r", "--qos", "2")
	topics, qos := parseArgs(t, args...)
	if !slices.Equal(topics, values) || qos != "2" {
		t.Fatalf("topics %q, qos %q; want %q, 2", topics, qos, values)
	}
}

func FuzzLongNames(f *testing.F) {
	f.Add("a", "b")
	f.Add(" \xff", rawMark)
	f.Fuzz(func(t *testing.T, a, b string) {
		topics, _ := parseArgs(t, "-t", a, "--topic", b)
		if !slices.Equal(topics, []string{a, b}) {
			t.Fatalf("got %q, want %q", topics, []string{a, b})
		}
	})
}

// The same through the real command line: mqtt sub subscribes to -t and --topic alike, spaces kept.
func TestSubTopicSpellings(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	code, _, errOut := run(t, "mqtt", "sub", "-p", port, "-t", " sp ", "--topic", "x", "-U", " z", "-E", "-d")
	for _, want := range []string{"Topic:  sp , QoS", "Topic: x, QoS", "UNSUBSCRIBE (Mid: 2, Topic:  z)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// dashless gives the name an argument spells as a flag, either way dashed, and nothing for any other
// argument: the maps of flags are keyed by it.
func TestDashless(t *testing.T) {
	for spelling, want := range map[string]string{
		"-t": "t", "--topic": "topic", "-topic": "topic", "--t": "t",
		"-": "", "--": "", "topic": "", "": "", "x-y": "",
		"---topic": "-topic", // no flag's name starts with a dash, so it stays unknown
	} {
		if got := dashless(spelling); got != want {
			t.Errorf("dashless(%q) = %q, want %q", spelling, got, want)
		}
	}
}
