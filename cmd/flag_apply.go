package cmd

import (
	"errors"
	"flag"
	"strconv"
)

// urfave/cli's Apply, which puts a flag into the command's flag set before every parse, asks the
// embedded flag's own Names(), and so its regexp per name, whatever Names() the wrapper answers: 0.32 of
// the 4.5 million instructions of a one-message `mqtt pub` (callgrind), for the 70 string and bool flags
// it applies. These do what urfave/cli v2.27's Apply does, from the names made once. A flag read from
// an environment variable or file by urfave/cli goes to its own Apply: ours read neither (env and
// profiles are cmd's), and that is where urfave/cli keeps the state they need.

// Apply is (*cli.StringFlag).Apply without the regexp.
func (f *stringFlag) Apply(set *flag.FlagSet) error {
	if len(f.EnvVars) > 0 || f.FilePath != "" {
		return f.StringFlag.Apply(set)
	}
	for _, name := range f.names {
		if f.Destination != nil {
			set.StringVar(f.Destination, name, f.Value, f.Usage)
			continue
		}
		set.String(name, f.Value, f.Usage)
	}
	return nil
}

// Apply is (*cli.BoolFlag).Apply without the regexp.
func (f *boolFlag) Apply(set *flag.FlagSet) error {
	if len(f.EnvVars) > 0 || f.FilePath != "" {
		return f.BoolFlag.Apply(set)
	}
	count, dest := f.Count, f.Destination
	if count == nil {
		count = new(int)
	}
	*count -= len(f.Aliases) // urfave/cli's: each name's Set counts once more
	if dest == nil {
		dest = new(bool)
	}
	for _, name := range f.names {
		*dest = f.Value
		set.Var(&boolValue{dest, count}, name, f.Usage)
	}
	return nil
}

// boolValue is urfave/cli's boolValue (unexported there): a bool flag that counts how often it is given.
type boolValue struct {
	dest  *bool
	count *int
}

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("parse error") // urfave/cli's words, which the flag package quotes
	}
	*b.dest = v
	*b.count++
	return nil
}

func (b *boolValue) Get() any         { return *b.dest }
func (b *boolValue) String() string   { return strconv.FormatBool(b.dest != nil && *b.dest) }
func (b *boolValue) IsBoolFlag() bool { return true }
func (b *boolValue) Count() int       { return max(*b.count, 0) }
