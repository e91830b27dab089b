package watch

import (
	"context"
	"errors"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the view on the terminal behind in and out until the user quits (nil) or ctx ends (ctx's
// error). A nil in reads the keys from standard input, or from the controlling terminal when standard
// input is not one (mqtt watch < file). The store goes on counting what is added to it meanwhile; Run only
// reads it. Signals are the caller's: in the terminal's raw mode ctrl-c is a key, which quits.
func Run(ctx context.Context, store *Store, o Options, in io.Reader, out io.Writer) error {
	_, err := tea.NewProgram(newModel(ctx, store, o), programOptions(ctx, o, in, out)...).Run()
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}

func programOptions(ctx context.Context, o Options, in io.Reader, out io.Writer) []tea.ProgramOption {
	env := o.Environ
	if env == nil {
		env = os.Environ()
	}
	opts := []tea.ProgramOption{
		tea.WithContext(ctx), tea.WithOutput(out), tea.WithFPS(frameRate),
		tea.WithoutSignalHandler(), tea.WithEnvironment(env),
	}
	if in != nil {
		opts = append(opts, tea.WithInput(in))
	}
	if !o.Color {
		// Attributes only: the selection stays visible in reverse video.
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	} else if p := colorprofile.Detect(out, env); p < colorprofile.ANSI {
		// The caller chose colour (--color always overrides NO_COLOR); the terminal's own profile may be
		// richer, never poorer.
		opts = append(opts, tea.WithColorProfile(colorprofile.ANSI))
	}
	return opts
}
