package cmd

import (
	"testing"

	"mqtt/internal/iostreams"
)

func TestLabelColoursOnlyTheWord(t *testing.T) {
	io, _, _ := iostreams.Test("")
	if got := label(io, "Error: no"); got != "Error: no" {
		t.Errorf("plain stderr got %q", got)
	}
	io.ColorErr = true
	for in, want := range map[string]string{
		"Error: bad":    "\x1b[31;1mError:\x1b[0;22m bad",
		"Warning: line": "\x1b[33;1mWarning:\x1b[0;22m line",
		"Note: from":    "\x1b[36mNote:\x1b[0m from",
		"Timed out":     "Timed out",
		"Other: x":      "Other: x",
	} {
		if got := label(io, in); got != want {
			t.Errorf("label(%q) = %q, want %q", in, got, want)
		}
	}
}
