package cmd

import (
	"fmt"
	"runtime/debug"
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
