package manpage

import (
	"embed"
	"io/fs"
)

// text holds the hand-written bodies, one roff file per page, named for the page ("mqtt-sub.1").
//
//go:embed text/*.1
var text embed.FS

// Body returns the hand-written body of page name ("mqtt-sub") in section, or "" if there is none.
func Body(name, section string) string {
	b, err := fs.ReadFile(text, "text/"+name+"."+section)
	if err != nil {
		return ""
	}
	return string(b)
}

// Bodies lists the pages that have a hand-written body, as "mqtt-sub.1".
func Bodies() []string {
	entries, _ := fs.ReadDir(text, "text")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
