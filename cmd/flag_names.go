package cmd

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli's flags make their Names() afresh on every call, through a regexp per name, and before a
// command runs its runFlagActions asks IsSet of every name of every flag, each of which looks the flag
// up by calling Names() on every flag: quadratic in the flags, 14 of the 20 million instructions of a
// one-message `mqtt pub`. Each flag of the app is wrapped once, by withNames, in a type that embeds it
// (so it is still every interface urfave/cli asks of it) and answers Names() from a slice made then.

type boolFlag struct {
	*cli.BoolFlag
	names []string
}

type stringFlag struct {
	*cli.StringFlag
	names []string
}

type stringSliceFlag struct {
	*cli.StringSliceFlag
	names []string
}

type intFlag struct {
	*cli.IntFlag
	names []string
}

type uintFlag struct {
	*cli.UintFlag
	names []string
}

func (f *boolFlag) Names() []string        { return f.names }
func (f *stringFlag) Names() []string      { return f.names }
func (f *stringSliceFlag) Names() []string { return f.names }
func (f *intFlag) Names() []string         { return f.names }
func (f *uintFlag) Names() []string        { return f.names }

// withNames wraps each of flags (see named).
func withNames(flags []cli.Flag) {
	for i, f := range flags {
		flags[i] = named(f)
	}
}

// named is f wrapped; a flag of a type it does not know is kept as it is.
func named(f cli.Flag) cli.Flag {
	switch f := f.(type) {
	case *cli.BoolFlag:
		return &boolFlag{f, flagNames(f, f.Name, f.Aliases)}
	case *cli.StringFlag:
		return &stringFlag{f, flagNames(f, f.Name, f.Aliases)}
	case *cli.StringSliceFlag:
		return &stringSliceFlag{f, flagNames(f, f.Name, f.Aliases)}
	case *cli.IntFlag:
		return &intFlag{f, flagNames(f, f.Name, f.Aliases)}
	case *cli.UintFlag:
		return &uintFlag{f, flagNames(f, f.Name, f.Aliases)}
	}
	return f
}

// flagNames is f.Names() without its regexp, which every flag of every command paid at each start
// (1.1 million instructions): the regexp cuts a name at a comma or a space, which no name of ours holds.
func flagNames(f cli.Flag, name string, aliases []string) []string {
	if strings.ContainsAny(name, ", ") || slices.ContainsFunc(aliases, func(a string) bool { return strings.ContainsAny(a, ", ") }) {
		return f.Names()
	}
	return append([]string{name}, aliases...)
}

// unwrapFlag is the urfave/cli flag that withNames wrapped, for a type switch on it.
func unwrapFlag(f cli.Flag) cli.Flag {
	switch f := f.(type) {
	case *boolFlag:
		return f.BoolFlag
	case *stringFlag:
		return f.StringFlag
	case *stringSliceFlag:
		return f.StringSliceFlag
	case *intFlag:
		return f.IntFlag
	case *uintFlag:
		return f.UintFlag
	}
	return f
}
