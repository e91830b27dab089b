package watch

import "charm.land/lipgloss/v2"

// styles are the view's looks. Without colour only attributes are used (bold, faint, reverse), so that
// NO_COLOR keeps the selection and the marks visible.
type styles struct {
	header, badge, columns, selected, faint, quiet, retained, note, added, removed, title lipgloss.Style
}

func newStyles(color bool) styles {
	s := styles{
		header:   lipgloss.NewStyle().Bold(true),
		badge:    lipgloss.NewStyle().Bold(true).Reverse(true),
		columns:  lipgloss.NewStyle().Faint(true),
		selected: lipgloss.NewStyle().Reverse(true),
		faint:    lipgloss.NewStyle().Faint(true),
		quiet:    lipgloss.NewStyle().Bold(true),
		retained: lipgloss.NewStyle().Bold(true),
		note:     lipgloss.NewStyle().Bold(true),
		added:    lipgloss.NewStyle(),
		removed:  lipgloss.NewStyle(),
		title:    lipgloss.NewStyle().Bold(true),
	}
	if color {
		// The basic colours: terminal themes tune them for their own background.
		s.quiet = s.quiet.Foreground(lipgloss.Red)
		s.badge = s.badge.Foreground(lipgloss.Yellow)
		s.added = s.added.Foreground(lipgloss.Green)
		s.removed = s.removed.Foreground(lipgloss.Red)
		s.title = s.title.Foreground(lipgloss.Blue)
	}
	return s
}
