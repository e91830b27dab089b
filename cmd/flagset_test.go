package cmd

import (
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
)

// withoutFlagActions keeps urfave/cli's runFlagActions from seeing the command's flags (it would ask
// IsSet of every name of every flag, 0.78M instructions of a one-message pub), and the Action sees them
// all again, given values and set-ness included.
func TestWithoutFlagActions(t *testing.T) {
	asked := false
	var seen int
	c := &cli.Command{
		Name: "pub",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Action: func(*cli.Context, string) error { asked = true; return nil }},
			&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}},
		},
		Before: rememberSetFlags,
		Action: func(ctx *cli.Context) error {
			seen = len(ctx.Command.Flags)
			if ctx.String("topic") != "a/b" || !isSet(ctx, "t") || !isSet(ctx, "retain") {
				t.Errorf("topic %q, -t set %v, --retain set %v", ctx.String("topic"), isSet(ctx, "t"), isSet(ctx, "retain"))
			}
			return nil
		},
	}
	withNames(c.Flags)
	withoutFlagActions(c)
	app := &cli.App{Name: "mqtt", Commands: []*cli.Command{c}}
	if err := app.Run([]string{"mqtt", "pub", "-t", "a/b", "-r"}); err != nil {
		t.Fatal(err)
	}
	if asked {
		t.Error("urfave/cli ran a flag's Action: runFlagActions saw the flags")
	}
	if seen < 2 || seen != len(c.Flags) { // urfave/cli adds its help flag
		t.Errorf("the Action saw %d flags, the command holds %d after; want them all", seen, len(c.Flags))
	}
}

// Since urfave/cli no longer runs flag Actions (withoutFlagActions), no flag of ours may have one.
func TestNoFlagHasAnAction(t *testing.T) {
	io, _, _ := iostreams.Test("")
	var walk func(path string, cs []*cli.Command)
	walk = func(path string, cs []*cli.Command) {
		for _, c := range cs {
			for _, f := range c.Flags {
				var has bool
				switch f := unwrapFlag(f).(type) {
				case *cli.BoolFlag:
					has = f.Action != nil
				case *cli.StringFlag:
					has = f.Action != nil
				case *cli.StringSliceFlag:
					has = f.Action != nil
				case *cli.IntFlag:
					has = f.Action != nil
				case *cli.UintFlag:
					has = f.Action != nil
				default:
					t.Errorf("%s %s: --%s is a %T, which this test cannot look into", path, c.Name, f.Names()[0], f)
				}
				if has {
					t.Errorf("%s %s: --%s has an Action, which urfave/cli will not run (withoutFlagActions): do it in the command", path, c.Name, f.Names()[0])
				}
			}
			walk(path+" "+c.Name, c.Subcommands)
		}
	}
	walk("mqtt", newApp(io).Commands)
}
