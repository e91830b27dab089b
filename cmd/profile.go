package cmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/brokerurl"
	"mqtt/internal/iostreams"
	"mqtt/internal/profile"
)

func profileCommand(streams *iostreams.IOStreams) *cli.Command {
	e := systemConnEnv(streams)
	return &cli.Command{
		Name:  "profile",
		Usage: "keep connection options under a name: mqtt pub --profile NAME",
		Description: "Profiles live in $XDG_CONFIG_HOME/mqtt/config.toml (else ~/.config/mqtt/config.toml), a TOML\n" +
			"file readable by its owner only. Each holds connection options by their long names. pub, sub and rr\n" +
			"use the profile named by --profile, else by MQTT_PROFILE, else the default one; a flag overrides an\n" +
			"MQTT_* variable, which overrides the profile.",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "print the profiles' names; the default one is marked",
				ArgsUsage: " ",
				Action:    func(c *cli.Context) error { return profileList(c, e) },
			},
			{
				Name:      "show",
				Usage:     "print a profile's options (passwords hidden)",
				ArgsUsage: "[NAME] (default: MQTT_PROFILE, then the default profile)",
				Action:    func(c *cli.Context) error { return profileShow(c, e) },
			},
			{
				Name:      "add",
				Usage:     "save connection options as a profile: mqtt profile add home -h broker.lan -u me --password-file ~/.mqttpw",
				ArgsUsage: "NAME [connection options]",
				Flags:     profileAddFlags(),
				Action:    func(c *cli.Context) error { return profileAdd(c, e) },
			},
			{
				Name:      "remove",
				Usage:     "delete a profile",
				ArgsUsage: "NAME",
				Action:    func(c *cli.Context) error { return profileRemove(c, e) },
			},
		},
	}
}

// profileArgs moves the NAME of `mqtt profile add NAME -h host ...` after the options: the flag parser
// stops at the first argument that is not a flag, and the name reads best first.
func profileArgs(args []string) []string {
	if len(args) < 5 || args[1] != "profile" || args[2] != "add" || strings.HasPrefix(args[3], "-") {
		return args
	}
	out := append([]string{}, args[:3]...)
	out = append(out, args[4:]...)
	return append(out, args[3])
}

// profileAddFlags are the connection flags a profile can hold, without their defaults (a profile holds
// only what is given), and the flags of `add` itself.
func profileAddFlags() []cli.Flag {
	var out []cli.Flag
	for i, f := range connFlags("") {
		if connTable[i].key == "" {
			continue
		}
		if s, ok := f.(*cli.StringFlag); ok {
			c := *s
			c.Value = ""
			f = &c
		}
		out = append(out, f)
	}
	return append(out,
		&cli.BoolFlag{Name: "default", Usage: "make this the default profile"},
		&cli.BoolFlag{Name: "replace", Usage: "replace a profile of the same name"},
	)
}

func loadProfiles(e connEnv) (*profile.File, error) {
	path, err := profile.Path(e.getenv)
	if err != nil {
		return nil, err
	}
	return profile.Load(path, e.readFile, isSettingKey)
}

func oneName(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("mqtt profile %s takes one profile name: mqtt profile %s NAME", what, what)
	}
	return c.Args().First(), nil
}

func profileList(c *cli.Context, e connEnv) error {
	if c.Args().Present() {
		return fmt.Errorf("mqtt profile list takes no arguments")
	}
	f, err := loadProfiles(e)
	if err != nil {
		return err
	}
	if len(f.Profiles) == 0 {
		fmt.Fprintf(e.streams.ErrOut, "No profiles in %s: add one with mqtt profile add NAME -h HOST ...\n", f.Path)
		return nil
	}
	for _, n := range f.Names() {
		if n == f.Default {
			n += " (default)"
		}
		fmt.Fprintln(e.streams.Out, n)
	}
	return nil
}

func profileShow(c *cli.Context, e connEnv) error {
	if c.NArg() > 1 {
		return fmt.Errorf("mqtt profile show takes at most one profile name")
	}
	f, err := loadProfiles(e)
	if err != nil {
		return err
	}
	name := c.Args().First()
	if name == "" {
		name = e.getenv("MQTT_PROFILE")
	}
	if name == "" {
		name = f.Default
	}
	if name == "" {
		return fmt.Errorf("no profile named and no default profile in %s: mqtt profile show NAME", f.Path)
	}
	p, err := f.Lookup(name)
	if err != nil {
		return err
	}
	text, err := hidePasswords(p).Encode()
	if err != nil {
		return err
	}
	mark := ""
	if name == f.Default {
		mark = " (default)"
	}
	fmt.Fprintf(e.streams.Out, "# profile %q%s in %s\n%s", name, mark, f.Path, text)
	return nil
}

// hidePasswords is p as `profile show` prints it: the password, and the one a URL may hold, replaced.
func hidePasswords(p profile.Profile) profile.Profile {
	out := profile.Profile{}
	for k, v := range p {
		switch k {
		case "password":
			v = "(hidden)"
		case "url", "proxy":
			v = brokerurl.Redacted(v)
		}
		out[k] = v
	}
	return out
}

func profileAdd(c *cli.Context, e connEnv) error {
	name, err := oneName(c, "add")
	if err != nil {
		return err
	}
	if err := profile.CheckName(name); err != nil {
		return err
	}
	f, err := loadProfiles(e)
	if err != nil {
		return err
	}
	if _, exists := f.Profiles[name]; exists && !c.Bool("replace") {
		return fmt.Errorf("profile %q already exists in %s: add --replace to overwrite it", name, f.Path)
	}
	p := profile.Profile{}
	ways := 0
	for _, flag := range settingFlags() {
		if !isSet(c, flag) {
			continue
		}
		v := c.String(flag)
		if isPathFlag(flag) && v != "" && !strings.HasPrefix(v, "~/") {
			// A relative path would be read from wherever mqtt runs next.
			if v, err = filepath.Abs(v); err != nil {
				return err
			}
		}
		if connFlagNamed(flag).password && (flag != "password-prompt" || v == "true") {
			ways++
		}
		p[settingKey(flag)] = v
	}
	if len(p) == 0 {
		return errors.New("no options given: add the connection options the profile holds, such as -h HOST -u USER")
	}
	if ways > 1 {
		return errors.New("the password is given two ways: give one of -P, --password-file and --password-prompt")
	}
	if isSet(c, "pw") {
		warnPasswordArgument(e.streams)
	}
	f.Profiles[name] = p
	if c.Bool("default") {
		f.Default = name
	}
	if err := f.Save(); err != nil {
		return err
	}
	fmt.Fprintf(e.streams.ErrOut, "Saved profile %q in %s.\n", name, f.Path)
	return nil
}

func profileRemove(c *cli.Context, e connEnv) error {
	name, err := oneName(c, "remove")
	if err != nil {
		return err
	}
	f, err := loadProfiles(e)
	if err != nil {
		return err
	}
	if _, err := f.Lookup(name); err != nil {
		return err
	}
	delete(f.Profiles, name)
	if f.Default == name {
		f.Default = ""
	}
	if err := f.Save(); err != nil {
		return err
	}
	fmt.Fprintf(e.streams.ErrOut, "Removed profile %q from %s.\n", name, f.Path)
	return nil
}
