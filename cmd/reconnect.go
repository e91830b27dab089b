package cmd

import (
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
	"mqtt/internal/pace"
	"mqtt/internal/session"
)

// reconnectFlags are sub's and pub's: a connection that drops is replaced, as mosquitto_sub does.
func reconnectFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "no-reconnect", Usage: "end when the connection drops, instead of connecting again"},
		&cli.BoolFlag{Name: "reconnect", Usage: "connect again when the connection drops (the default)"},
		&cli.StringFlag{Name: "reconnect-max-delay", Value: "30", Usage: "the longest wait between attempts, in `SECONDS` (or a duration)"},
		&cli.StringFlag{Name: "reconnect-attempts", Value: "0", Usage: "give up after `N` failed attempts in a row; 0 is never"},
	}
}

// parseReconnect sets how a dropped connection is replaced; a notice goes to stderr unless --quiet.
func parseReconnect(c *cli.Context, conn *connOptions, streams *iostreams.IOStreams) *problem {
	if c.Bool("no-reconnect") {
		if c.Bool("reconnect") {
			return usageErr(errPubOption, "--reconnect and --no-reconnect: give one of them.")
		}
		return nil
	}
	d, err := pace.ParseDuration(c.String("reconnect-max-delay"))
	if err != nil || d == 0 {
		return usageErr(errPubOption, fmt.Sprintf("--reconnect-max-delay %q: want seconds (30) or a duration (2m) above 0.", c.String("reconnect-max-delay")))
	}
	n, err := strconv.Atoi(c.String("reconnect-attempts"))
	if err != nil || n < 0 {
		return usageErr(errPubOption, fmt.Sprintf("--reconnect-attempts %q: want a number from 0 (0 tries for ever).", c.String("reconnect-attempts")))
	}
	conn.Session.Reconnect = &session.Reconnect{MaxDelay: d, Attempts: n}
	if !conn.Quiet {
		conn.Session.OnEvent = func(e session.Event) {
			if line := reconnectLine(e); line != "" {
				fmt.Fprintln(streams.ErrOut, label(streams, line))
			}
		}
	}
	return nil
}

// reconnectLine words what a reconnecting session tells; "" for what goes unsaid (each attempt).
func reconnectLine(e session.Event) string {
	switch e := e.(type) {
	case session.ConnectionLost:
		return fmt.Sprintf("Connection lost (%s); reconnecting.", errorText(e.Err))
	case session.Reconnected:
		attempts := "1 attempt"
		if e.Attempts != 1 {
			attempts = fmt.Sprintf("%d attempts", e.Attempts)
		}
		return fmt.Sprintf("Reconnected after %.1f s (%s).", e.After.Seconds(), attempts)
	case session.SameIDSuspected:
		return fmt.Sprintf("Warning: the broker closed the last %d connections right after accepting them: another client "+
			"using the id %q is the likely cause (give each client its own id, or leave -i out).", e.Drops, e.ClientID)
	}
	return ""
}
