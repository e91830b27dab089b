package cmd

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
)

// warnPrettyPlain is said when --pretty meets output it does not change: mosquitto_sub accepts the pair
// (--pretty only indents %j and %J), so refusing it could break a script that runs as mosquitto_sub does.
const warnPrettyPlain = "Warning: --pretty indents the JSON of -F %j and %J and of --json; this output prints the payload as it came (--view pretty indents it)."

// outputPairs refuses output flags that say contradicting things, or of which one would be ignored, and
// says whether messages are shown in the view. Every flag given changes the output or is an error: a
// person who asked for something and got something else without a word cannot tell which flag lost.
//
// What each pair means to a user decides it. --output with --json is the encoding of "payload", so they
// work together. --timestamp with --json would add nothing ("time" is always there) and with -F has its
// own @ sequences; --output with -F has %x: those are refused with the way to get what was asked. --view
// pretty shows records, so it refuses the flags that only shape mosquitto's bytes (-F, --json, -N,
// --output, -w); --timestamp in the view shows the whole date and time in each header.
func outputPairs(c *cli.Context, streams *iostreams.IOStreams) (bool, *problem) {
	refuse := func(msg string) (bool, *problem) { return false, usageErr(errSubFormat, msg) }
	format, json, output := isSet(c, "format"), c.Bool("json"), isSet(c, "output") && c.String("output") != "text"
	switch {
	case format && json:
		return refuse("-F and --json both say how to print messages: give one of them.")
	case format && output:
		return refuse("--output does not apply to -F, which prints what its format says: %x is the payload in hex.")
	case format && c.Bool("timestamp"):
		return refuse("--timestamp does not apply to -F, which prints what its format says: @ sequences are the time (-F '@Y-@m-@dT@H:@M:@S %t %p').")
	case json && c.Bool("timestamp"):
		return refuse("--json always has the receive time, in \"time\": leave out --timestamp.")
	case c.Bool("json-payload") && !json:
		return refuse("--json-payload says how --json writes a payload that is JSON: add --json, or leave it out.")
	case c.Bool("json-payload") && output:
		return refuse("--json-payload and --output both say how --json writes the payload: give one of them.")
	}
	switch view := c.String("view"); view {
	case "plain":
		return false, nil
	case "auto":
		return streams.OutTTY && !format && !json && !c.Bool("N") && !output && !c.Bool("watch"), nil
	case "pretty":
		var other string
		switch {
		case format:
			other = "-F"
		case json:
			other = "--json"
		case c.Bool("N"):
			other = "-N"
		case output:
			other = "--output"
		case c.Bool("watch"):
			other = "-w"
		default:
			return true, nil
		}
		return refuse(fmt.Sprintf("--view pretty shows each message as a record; %s is for mosquitto's output (--view plain): give one of them.", other))
	default:
		return refuse(fmt.Sprintf("invalid --view %q: use auto, pretty or plain.", view))
	}
}
