package cmd

import (
	"fmt"
	"slices"
	"strings"

	"mqtt/internal/mosqargs"
)

// optionsFileArgs is mosquitto 2.1's -o FILE: the file's options, one a line as mosquitto splits them,
// go before the command line's, which therefore win where an option takes one value. args[1] is the
// command; takesValue names the flags whose next argument is a value, which is never an -o. mqtt reads
// no default options file (profiles do that job), so there is none for -o to replace.
func optionsFileArgs(args []string, takesValue map[string]bool, readFile func(string) ([]byte, error)) ([]string, *problem) {
	if len(args) < 2 || !slices.Contains([]string{"pub", "sub", "rr", "watch"}, args[1]) {
		return args, nil
	}
	file, found := "", false
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if a != "-o" {
			if takesValue[dashless(a)] && !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		if found {
			return nil, usageErr(errOptionsFile, "Duplicate -o argument given.")
		}
		if i == len(args)-1 {
			return nil, usageErr(errOptionsFile, "-o argument given but no options file specified.")
		}
		file, found = args[i+1], true
		i++
	}
	if !found {
		return args, nil
	}
	data, err := readFile(file)
	if err != nil {
		// mosquitto carries on without the file; a file that was asked for and is not there is a
		// mistake worth a word before connecting, with the credentials it likely holds left out.
		return nil, &problem{id: errOptionsFile, args: []any{fmt.Sprintf("cannot read the options file: %v.", err)}}
	}
	out := append([]string{}, args[:2]...)
	for _, words := range mosqargs.OptionLines(data) {
		out = append(out, words...)
	}
	return append(out, args[2:]...), nil
}
