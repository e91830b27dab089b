package cmd

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"mqtt/internal/mosqargs"
)

// Version, Commit and Date describe the build. A release sets them with
// -ldflags "-X mqtt/cmd.Version=... -X mqtt/cmd.Commit=... -X mqtt/cmd.Date=...".
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// versionText is what --version prints after "mqtt version ": the version, the commit and the build date.
func versionText() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(Version, Commit, Date, info)
}

// formatVersion fills a commit and date the build did not set from the toolchain's VCS stamp (a plain
// `go build` in a git checkout has one), marking a commit with uncommitted changes "-dirty".
func formatVersion(version, commit, date string, info *debug.BuildInfo) string {
	var settings []debug.BuildSetting
	if info != nil {
		settings = info.Settings
	}
	stamp := map[string]string{}
	for _, s := range settings {
		stamp[s.Key] = s.Value
	}
	if commit == "" && stamp["vcs.revision"] != "" {
		commit = stamp["vcs.revision"]
		if stamp["vcs.modified"] == "true" {
			commit += "-dirty"
		}
	}
	if date == "" {
		date = stamp["vcs.time"]
	}
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", version, commit, date)
}

// mosquittoClients are the commands that stand in for a mosquitto client, by the client's name.
var mosquittoClients = map[string]string{"pub": "mosquitto_pub", "sub": "mosquitto_sub", "rr": "mosquitto_rr"}

// withVersionFlag gives pub, sub and rr mosquitto's --version: one line on stdout and exit code 1, as
// mosquitto_pub does, but naming mqtt and its version.
func withVersionFlag(c *cli.Command, out io.Writer) {
	client, ok := mosquittoClients[c.Name]
	if !ok {
		return
	}
	c.Flags = append(c.Flags, &cli.BoolFlag{Name: "version", Usage: "print the version and exit (with code 1, as " + client + " does)"})
	action := c.Action
	c.Action = func(ctx *cli.Context) error {
		if !ctx.Bool("version") {
			return action(ctx)
		}
		fmt.Fprintf(out, "mqtt %s version %s, compatible with %s %s.\n", c.Name, versionText(), client, mosqargs.Release)
		return &exitError{code: 1}
	}
}
