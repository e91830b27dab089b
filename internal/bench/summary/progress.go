package summary

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// ProgressOptions shape a Progress.
type ProgressOptions struct {
	Out io.Writer // stderr, usually
	// TTY draws a bar redrawn in place (mpb); otherwise each Update writes one plain line.
	TTY bool
	// Total is the end of the run in the unit of Update's done: messages for a count, seconds for a
	// duration; 0 for a run without a known end (the bar is then left out, the line kept).
	Total int64
}

// Progress shows the live line while a run goes: under a progress bar on a terminal, as a plain line each
// update in a pipe. The command calls Update about once a second and Close at the end.
type Progress struct {
	o    ProgressOptions
	p    *mpb.Progress
	bar  *mpb.Bar
	mu   sync.Mutex
	line string
}

// NewProgress starts a progress display.
func NewProgress(o ProgressOptions) *Progress {
	pr := &Progress{o: o}
	if !o.TTY {
		return pr
	}
	pr.p = mpb.New(mpb.WithOutput(o.Out), mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithWidth(40))
	text := decor.Any(func(decor.Statistics) string {
		pr.mu.Lock()
		defer pr.mu.Unlock()
		return pr.line
	})
	if o.Total > 0 {
		pr.bar = pr.p.New(o.Total, mpb.BarStyle().Lbound("[").Rbound("]"),
			mpb.PrependDecorators(decor.Percentage(decor.WC{W: 5})),
			mpb.AppendDecorators(text))
	} else {
		pr.bar = pr.p.New(0, mpb.NopStyle(), mpb.PrependDecorators(text))
	}
	return pr
}

// Update shows line, with done of the total reached.
func (pr *Progress) Update(line string, done int64) {
	if pr.p == nil {
		fmt.Fprintln(pr.o.Out, line)
		return
	}
	pr.mu.Lock()
	pr.line = line
	pr.mu.Unlock()
	if pr.o.Total > 0 {
		pr.bar.SetCurrent(min(done, pr.o.Total))
	}
}

// Close draws the last state and stops the display; the terminal's cursor is left on the line after it.
func (pr *Progress) Close() {
	if pr.p == nil {
		return
	}
	// Abort, not complete: a run cut short (a signal, an error) keeps its bar where it stopped, drawn.
	pr.bar.Abort(false)
	pr.p.Wait()
}
