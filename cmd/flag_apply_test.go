package cmd

import (
	"flag"
	"io"
	"testing"

	"github.com/urfave/cli/v2"
)

// A wrapped flag's Apply fills a flag set as urfave/cli's own does: the same names, defaults, usage and
// bool-ness, and the same values and counts after a parse.
func TestWrappedApplyIsUrfaves(t *testing.T) {
	var sDest, sDest2 string
	var bDest, bDest2 bool
	var n, n2 int
	defs := func(s *string, b *bool, count *int) []cli.Flag {
		return []cli.Flag{
			&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Usage: "the topic", Value: "a/b"},
			&cli.StringFlag{Name: "host", Aliases: []string{"h", "H"}, Destination: s, Value: "localhost"},
			&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}, Usage: "keep it"},
			&cli.BoolFlag{Name: "debug", Aliases: []string{"d"}, Destination: b, Value: true, Count: count},
			&cli.BoolFlag{Name: "quiet"},
		}
	}
	args := []string{"-t", "x/y", "--host", "h1", "-r", "-d=false", "--debug", "-d"}
	parse := func(flags []cli.Flag) *flag.FlagSet {
		set := flag.NewFlagSet("test", flag.ContinueOnError)
		set.SetOutput(io.Discard)
		for _, f := range flags {
			if err := f.Apply(set); err != nil {
				t.Fatal(err)
			}
		}
		if err := set.Parse(args); err != nil {
			t.Fatal(err)
		}
		return set
	}
	theirs := parse(defs(&sDest, &bDest, &n))
	wrapped := defs(&sDest2, &bDest2, &n2)
	withNames(wrapped)
	ours := parse(wrapped)
	count := 0
	theirs.VisitAll(func(want *flag.Flag) {
		count++
		got := ours.Lookup(want.Name)
		if got == nil {
			t.Errorf("-%s not in our flag set", want.Name)
			return
		}
		if got.Usage != want.Usage || got.DefValue != want.DefValue || got.Value.String() != want.Value.String() {
			t.Errorf("-%s: usage %q default %q value %q, urfave/cli's %q %q %q", want.Name,
				got.Usage, got.DefValue, got.Value, want.Usage, want.DefValue, want.Value)
		}
		_, gotBool := got.Value.(interface{ IsBoolFlag() bool })
		_, wantBool := want.Value.(interface{ IsBoolFlag() bool })
		if gotBool != wantBool {
			t.Errorf("-%s: bool %v, urfave/cli's %v", want.Name, gotBool, wantBool)
		}
		if c, ok := want.Value.(cli.Countable); ok {
			if g, ok := got.Value.(cli.Countable); !ok || g.Count() != c.Count() {
				t.Errorf("-%s: count %v, urfave/cli's %d", want.Name, got.Value, c.Count())
			}
		}
	})
	ours.VisitAll(func(*flag.Flag) { count-- })
	if count != 0 {
		t.Errorf("our flag set holds %d flags more than urfave/cli's", -count)
	}
	if sDest2 != sDest || bDest2 != bDest || n2 != n {
		t.Errorf("destinations %q %v %d, urfave/cli's %q %v %d", sDest2, bDest2, n2, sDest, bDest, n)
	}
	bad := flag.NewFlagSet("test", flag.ContinueOnError)
	bad.SetOutput(io.Discard)
	_ = named(&cli.BoolFlag{Name: "retain"}).Apply(bad)
	if err := bad.Parse([]string{"--retain=maybe"}); err == nil || err.Error() != `invalid boolean value "maybe" for -retain: parse error` {
		t.Errorf("--retain=maybe: %v", err)
	}
}

// A flag that urfave/cli reads from the environment is applied by urfave/cli, which keeps the state.
func TestWrappedApplyLeavesEnvToUrfave(t *testing.T) {
	t.Setenv("MQTT_TEST_TOPIC", "from/env")
	f := named(&cli.StringFlag{Name: "topic", EnvVars: []string{"MQTT_TEST_TOPIC"}})
	set := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := f.Apply(set); err != nil {
		t.Fatal(err)
	}
	if got := set.Lookup("topic").Value.String(); got != "from/env" || !f.(*stringFlag).IsSet() {
		t.Errorf("topic %q, set %v", got, f.(*stringFlag).IsSet())
	}
}
