package cmd

import (
	"context"

	"github.com/urfave/cli/v2"
)

// urfave/cli's Context.IsSet walks the flag set twice per call, sorting it each time: a command line
// with its few dozen IsSet calls spent 1.7 ms and 24,000 allocations there, as long as the whole
// connection of a one-message `mqtt pub`. rememberSetFlags notes once, before a command runs, which of
// its flags were given, under every one of their names; isSet answers from that.

type setFlagsKey struct{}

func rememberSetFlags(c *cli.Context) error {
	given := map[string]bool{}
	for _, ctx := range c.Lineage() {
		for _, n := range ctx.LocalFlagNames() {
			given[n] = true
		}
	}
	set := map[string]bool{}
	for _, ctx := range c.Lineage() {
		if ctx.Command == nil {
			continue
		}
		for _, f := range ctx.Command.Flags {
			names := f.Names()
			on := f.IsSet()
			for _, n := range names {
				on = on || given[n]
			}
			for _, n := range names {
				set[n] = set[n] || on
			}
		}
	}
	c.Context = context.WithValue(c.Context, setFlagsKey{}, set)
	return nil
}

// isSet is c.IsSet(name), from what rememberSetFlags noted when it ran for this command.
func isSet(c *cli.Context, name string) bool {
	if set, ok := c.Context.Value(setFlagsKey{}).(map[string]bool); ok {
		if v, known := set[name]; known {
			return v
		}
	}
	return c.IsSet(name)
}
