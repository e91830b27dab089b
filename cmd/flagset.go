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

// withoutFlagActions hides c's flags from urfave/cli's runFlagActions, which runs between a command's
// Before and its Action and asks IsSet of every name of every flag, to run the Action of those given:
// none of ours has one, and the asking cost a one-message pub 0.78 of its 4.2 million instructions
// (callgrind). Before takes the flags away once it has noted which were given (rememberSetFlags);
// Action gives them back before it runs. A command with subcommands is left alone, since urfave/cli
// goes on from its Before to a subcommand rather than to its Action.
func withoutFlagActions(c *cli.Command) {
	before, action := c.Before, c.Action
	if action == nil || len(c.Subcommands) > 0 {
		return
	}
	var hidden []cli.Flag
	c.Before = func(ctx *cli.Context) error {
		if before != nil {
			if err := before(ctx); err != nil {
				return err
			}
		}
		hidden, c.Flags = c.Flags, nil
		return nil
	}
	c.Action = func(ctx *cli.Context) error {
		c.Flags = hidden
		return action(ctx)
	}
}
