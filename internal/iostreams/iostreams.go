// Package iostreams is the one place that knows where input and output go and whether each stream is a
// terminal. Commands take an *IOStreams instead of touching os.Stdout, so tests run them over buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams are a command's standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool
	// OutWidth is the width of the terminal Out is, in columns, read once at the start; 0 when Out is not
	// a terminal or its size is unknown.
	OutWidth int
	// ColorOut and ColorErr say whether Out and ErrOut may carry ANSI colour. They are false until
	// SetColorMode decides them, so streams built by hand or by Test are plain.
	ColorOut, ColorErr bool
}

// System returns the process's own streams. A terminal is detected per stream: stdout may be a pipe
// while stderr is still a terminal.
func System() *IOStreams {
	tty := func(f *os.File) bool {
		return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY: tty(os.Stdin), OutTTY: tty(os.Stdout), ErrTTY: tty(os.Stderr),
	}
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			s.OutWidth = w
		}
	}
	return s
}

// Test returns streams over buffers, none a terminal.
func Test(in string) (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: bytes.NewBufferString(in), Out: out, ErrOut: errOut}, out, errOut
}
