package mosqargs

import "strings"

// optionsFilePath is where client_config_load looks for the program's default options:
// $XDG_CONFIG_HOME/<prog>, else $HOME/.config/<prog>, else nowhere. mosquitto takes XDG_CONFIG_HOME even
// when it is set to "", but env cannot say "set but empty", so here an empty value counts as unset.
func optionsFilePath(p Program, env func(string) string) (string, bool) {
	if env == nil {
		return "", false
	}
	if xdg := env("XDG_CONFIG_HOME"); xdg != "" {
		return xdg + "/" + p.Name(), true
	}
	if home := env("HOME"); home != "" {
		return home + "/.config/" + p.Name(), true
	}
	return "", false
}

// fgetsSize is the buffer client_config_load hands fgets: a longer line arrives as several lines.
const fgetsSize = 1024

// optionLines splits an options file as client_config_load reads it into mini command lines of one or
// two words, each to go through the same option parser as the real command line:
//   - fgets(line, 1024): lines longer than 1023 bytes are cut into chunks read as separate lines, and a
//     NUL ends the line early (strlen);
//   - a '#' in the first byte of a chunk skips it; a '#' anywhere else is ordinary text;
//   - trailing CR and LF characters are dropped;
//   - strtok(line, " ") gives the first word (leading spaces skipped, only spaces separate, TAB is
//     text); strtok(NULL, "") gives the rest after that one space, verbatim, or nothing if it is empty.
func optionLines(data []byte) [][]string {
	var out [][]string
	for len(data) > 0 {
		n := len(data)
		if nl := strings.IndexByte(string(data[:min(n, fgetsSize-1)]), '\n'); nl >= 0 {
			n = nl + 1
		} else {
			n = min(n, fgetsSize-1)
		}
		line := string(data[:n])
		data = data[n:]
		if i := strings.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimRight(line, "\r\n")
		if words := splitOptionLine(line); words != nil {
			out = append(out, words)
		}
	}
	return out
}

func splitOptionLine(line string) []string {
	line = strings.TrimLeft(line, " ")
	if line == "" {
		return nil
	}
	first, rest, _ := strings.Cut(line, " ")
	if rest == "" {
		return []string{first}
	}
	return []string{first, rest}
}

// OptionLines is optionLines for mqtt's own commands, whose -o reads an options file as mosquitto 2.1
// does.
func OptionLines(data []byte) [][]string { return optionLines(data) }
