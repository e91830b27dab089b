package cmd

import (
	"slices"

	"github.com/urfave/cli/v2"
)

// A command's flags are listed under headings, in --help and in the manual alike: first the command's
// own (what to send, what to subscribe to), then the ones commands share, in the order below. Shared
// flags are told by where they are built (outputFlags, reconnectFlags, connFlags), so that a flag added
// there lands under its heading without a list here to keep up; connFlags, which covers several
// headings, says each flag's in its table (connTable).

// flagGroup is one heading and the flags under it, in the order the command defines them.
type flagGroup struct {
	title string
	flags []cli.Flag
}

const (
	groupPace         = "Repeat and pace"
	groupConnection   = "Connection"
	groupReconnect    = "Reconnect"
	groupLogin        = "Login"
	groupWill         = "Last will"
	groupTLS          = "TLS"
	groupV5           = "MQTT 5"
	groupOutput       = "Output"
	groupContent      = "Payload formats and filters"
	groupDiagnostics  = "Diagnostics"
	groupNotSupported = "Not supported"
)

// sharedGroups is the order of the shared headings.
var sharedGroups = []string{
	groupPace, groupOutput, groupContent, groupConnection, groupReconnect, groupLogin, groupWill, groupTLS, groupV5, groupDiagnostics, groupNotSupported,
}

// paceFlags are pub's own flags that say how many and how fast, a heading of their own.
var paceFlags = []string{"repeat", "count", "repeat-delay", "jitter", "rate", "duration", "max-inflight"}

// ownTitle is the heading of a command's own flags.
func ownTitle(command string) string {
	switch command {
	case "pub":
		return "Message"
	case "sub":
		return "Subscription"
	case "rr":
		return "Request"
	}
	return "Options"
}

// flagGroups sorts c's visible flags, --help and --version included, under their headings; a heading
// without flags is left out.
func flagGroups(c *cli.Command) []flagGroup {
	shared := map[string]string{}
	for _, f := range outputFlags() {
		shared[flagKey(f)] = groupOutput
	}
	for _, f := range reconnectFlags() {
		shared[flagKey(f)] = groupReconnect
	}
	for _, f := range append(contentFlags(), encodeFlags()...) {
		shared[flagKey(f)] = groupContent
	}
	for _, f := range connFlags("") {
		shared[flagKey(f)] = connFlagNamed(f.Names()[0]).group
	}
	flags := c.VisibleFlags()
	hasHelp := slices.ContainsFunc(flags, func(f cli.Flag) bool { return f.Names()[0] == "help" })
	if !c.HideHelp && cli.HelpFlag != nil && !hasHelp {
		flags = append(flags, cli.HelpFlag) // urfave/cli adds it only once the command runs
	}
	// --help and --version go with -d and --quiet, in a command that has them.
	withDiagnostics := slices.ContainsFunc(flags, func(f cli.Flag) bool { return shared[flagKey(f)] == groupDiagnostics })
	byTitle := map[string][]cli.Flag{}
	for _, f := range flags {
		name := f.Names()[0]
		title, ok := shared[flagKey(f)]
		switch {
		case (name == "help" || name == "version") && withDiagnostics:
			title = groupDiagnostics
		case !ok && c.Name == "pub" && slices.Contains(paceFlags, name):
			title = groupPace
		case !ok:
			title = ownTitle(c.Name)
		}
		byTitle[title] = append(byTitle[title], f)
	}
	var out []flagGroup
	for _, title := range append([]string{ownTitle(c.Name)}, sharedGroups...) {
		if len(byTitle[title]) > 0 {
			out = append(out, flagGroup{title, byTitle[title]})
		}
	}
	return out
}
