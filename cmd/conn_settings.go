package cmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
	"mqtt/internal/profile"
)

// origin is where a value came from, in increasing precedence.
type origin int

const (
	fromDefault origin = iota
	fromProfile
	fromEnv
	fromFlag
)

// candidate is a value one place may give for an option.
type candidate struct {
	value string
	ok    bool
}

// setting is the value an option has, and where it came from.
type setting struct {
	value string
	from  origin
}

// resolve is the precedence rule, the one place it is written: a flag on the command line wins over
// the environment, which wins over the profile, which wins over the flag's default.
func resolve(flag, env, prof candidate, def string) setting {
	switch {
	case flag.ok:
		return setting{flag.value, fromFlag}
	case env.ok:
		return setting{env.value, fromEnv}
	case prof.ok:
		return setting{prof.value, fromProfile}
	}
	return setting{def, fromDefault}
}

// connEnv is what parseConn reads besides the flags: the process environment, files, and the streams
// (for the -P warning and the password prompt). Tests pass their own.
type connEnv struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)        // the profiles' file
	openFile func(string) (io.ReadCloser, error) // a password file, of which one line is read
	streams  *iostreams.IOStreams
}

func systemConnEnv(streams *iostreams.IOStreams) connEnv {
	open := func(name string) (io.ReadCloser, error) { return os.Open(name) }
	return connEnv{getenv: os.Getenv, readFile: os.ReadFile, openFile: open, streams: streams}
}

// connValues answers parseConn's questions about the connection flags, with the environment and the
// profile filled in under the command line.
type connValues struct {
	c           *cli.Context
	env         map[string]string // flag name -> value of its MQTT_* variable
	profile     profile.Profile   // by setting key; nil when no profile is in use
	profileName string
	profilePath string
}

func newConnValues(c *cli.Context, e connEnv) (*connValues, error) {
	v := &connValues{c: c, env: map[string]string{}}
	for _, f := range settingFlags() {
		if val := e.getenv(envName(settingKey(f))); val != "" {
			b, err := v.normalize(f, val, envName(settingKey(f)))
			if err != nil {
				return nil, err
			}
			v.env[f] = expandHome(f, b, e.getenv)
		}
	}
	if err := v.loadProfile(e); err != nil {
		return nil, err
	}
	return v, nil
}

// loadProfile finds the profile in use: --profile, else MQTT_PROFILE, else the file's default, else
// none. --profile "" asks for none, even when a default is set.
func (v *connValues) loadProfile(e connEnv) error {
	name, named := v.c.String("profile"), isSet(v.c, "profile")
	if !named && e.getenv("MQTT_PROFILE") != "" {
		name, named = e.getenv("MQTT_PROFILE"), true
	}
	if named && name == "" {
		return nil
	}
	path, err := profile.Path(e.getenv)
	if err != nil {
		if named {
			return err
		}
		return nil // nowhere to look, and nothing asked for
	}
	f, err := profile.Load(path, e.readFile, isSettingKey)
	if err != nil {
		return err
	}
	if !named {
		if f.Default == "" {
			return nil
		}
		name = f.Default
	}
	p, err := f.Lookup(name)
	if err != nil {
		return err
	}
	v.profileName, v.profilePath = name, path
	v.profile = profile.Profile{}
	for key, val := range p {
		flag := connFlagOfKey(key).names[0] // Load took only setting keys
		b, err := v.normalize(flag, val, fmt.Sprintf("%q in profile %q (%s)", key, name, path))
		if err != nil {
			return err
		}
		v.profile[key] = expandHome(flag, b, e.getenv)
	}
	return nil
}

// normalize spells a boolean as the flag parser does, so that MQTT_INSECURE=1 and insecure = true
// both read as "true"; where names the value's place for the error.
func (v *connValues) normalize(flag, val, where string) (string, error) {
	if connFlagNamed(flag).kind != switchFlag {
		return val, nil
	}
	b, err := strconv.ParseBool(val)
	if err != nil {
		return "", fmt.Errorf("%s is %q: use true or false", where, val)
	}
	return strconv.FormatBool(b), nil
}

// expandHome reads ~/ at the start of a path (see connFlag.path) as the home folder, as a shell would on
// the command line.
func expandHome(flag, val string, getenv func(string) string) string {
	rest, ok := strings.CutPrefix(val, "~/")
	if !ok || !isPathFlag(flag) || getenv("HOME") == "" {
		return val
	}
	return filepath.Join(getenv("HOME"), rest)
}

// get is the value of the flag named name, wherever it came from.
func (v *connValues) get(name string) setting {
	flag := candidate{v.c.String(name), isSet(v.c, name)}
	if f := connFlagNamed(name); f == nil || f.key == "" {
		if flag.ok {
			return setting{flag.value, fromFlag}
		}
		return setting{flag.value, fromDefault}
	}
	env, inEnv := v.env[name]
	prof, inProf := v.profile[settingKey(name)]
	return resolve(flag, candidate{env, inEnv}, candidate{prof, inProf}, v.c.String(name))
}

func (v *connValues) String(name string) string { return v.get(name).value }
func (v *connValues) IsSet(name string) bool    { return v.get(name).from != fromDefault }
func (v *connValues) Bool(name string) bool     { return v.get(name).value == "true" }
func (v *connValues) from(name string) origin   { return v.get(name).from }

// insecure says whether to skip the check that the broker's certificate names the host. A profile's
// insecure = true (or MQTT_INSECURE) was said for the broker it names: with a host given at a higher
// place (-h on the command line over a profile's host), it does not apply, as it would otherwise turn
// the check off, without a word, for a broker nobody vouched for. --insecure applies to any.
func (v *connValues) insecure() bool {
	s := v.get("insecure")
	return s.value == "true" && s.from >= max(v.from("host"), v.from("url"), v.from("unix"))
}

// note says which of flags come from the environment or the profile, so that an error about a value the
// user did not type says where it came from. Values are not shown: one may be a password.
func (v *connValues) note(flags []string) string {
	var env, prof []string
	for _, f := range flags {
		switch v.from(f) {
		case fromEnv:
			env = append(env, envName(settingKey(f)))
		case fromProfile:
			prof = append(prof, settingKey(f))
		}
	}
	var parts []string
	if len(env) > 0 {
		parts = append(parts, "from the environment: "+strings.Join(env, ", "))
	}
	if len(prof) > 0 {
		parts = append(parts, fmt.Sprintf("from profile %q (%s): %s", v.profileName, v.profilePath, strings.Join(prof, ", ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return "options taken " + strings.Join(parts, "; ")
}
