package cmd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

func TestResolve(t *testing.T) {
	no := candidate{}
	is := func(v string) candidate { return candidate{v, true} }
	cases := []struct {
		name               string
		flag, env, profile candidate
		want               setting
	}{
		{"nothing given: the default", no, no, no, setting{"def", fromDefault}},
		{"profile over default", no, no, is("p"), setting{"p", fromProfile}},
		{"env over profile", no, is("e"), is("p"), setting{"e", fromEnv}},
		{"env over default", no, is("e"), no, setting{"e", fromEnv}},
		{"flag over env and profile", is("f"), is("e"), is("p"), setting{"f", fromFlag}},
		{"flag over profile", is("f"), no, is("p"), setting{"f", fromFlag}},
		{"flag over default", is("f"), no, no, setting{"f", fromFlag}},
		{"an empty flag still wins", is(""), is("e"), is("p"), setting{"", fromFlag}},
		{"an empty profile value still wins", no, no, is(""), setting{"", fromProfile}},
	}
	for _, c := range cases {
		if got := resolve(c.flag, c.env, c.profile, "def"); got != c.want {
			t.Errorf("%s: resolve = %+v, want %+v", c.name, got, c.want)
		}
	}
}

// fakeEnv is a process environment and file system for parseConn: variables, and files by path.
type fakeEnv struct {
	vars  map[string]string
	files map[string]string
}

const testConfig = "/xdg/mqtt/config.toml"

func (f fakeEnv) connEnv(streams *iostreams.IOStreams) connEnv {
	return connEnv{
		getenv: func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return "/xdg"
			}
			if k == "HOME" {
				return "/home/me"
			}
			return f.vars[k]
		},
		readFile: func(p string) ([]byte, error) {
			if s, ok := f.files[p]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		openFile: func(p string) (io.ReadCloser, error) {
			if s, ok := f.files[p]; ok {
				return io.NopCloser(strings.NewReader(s)), nil
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		streams: streams,
	}
}

// parseWith runs parseConn over args as `mqtt pub` would get them.
func parseWith(t *testing.T, env fakeEnv, streams *iostreams.IOStreams, args ...string) (*connOptions, error) {
	t.Helper()
	var got *connOptions
	var perr error
	app := &cli.App{
		Writer: &bytes.Buffer{}, ErrWriter: &bytes.Buffer{}, HideHelp: true,
		Commands: []*cli.Command{{
			Name: "pub", HideHelp: true,
			Flags: append(connFlags("311"), &cli.StringFlag{Name: "topic", Aliases: []string{"t"}}),
			Action: func(c *cli.Context) error {
				got, perr = parseConn(c, env.connEnv(streams))
				return nil
			},
		}},
	}
	if err := app.Run(append([]string{"mqtt", "pub"}, args...)); err != nil {
		t.Fatalf("flags %v: %v", args, err)
	}
	return got, perr
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// Each connection option is looked up on the command line, then in MQTT_*, then in the profile.
func TestConnPrecedence(t *testing.T) {
	home := `default = "home"
[profiles.home]
host = "profile.host"
port = 1884
username = "puser"
password = "ppass"
keepalive = 30

[profiles.other]
host = "other.host"

[profiles.url]
url = "mqtts://uu:up@url.host:8884"

[profiles.unix]
unix = "/run/mqtt.sock"

[profiles.file]
username = "fuser"
password-file = "~/pw"

[profiles.nofile]
password-file = "/not/there"
`
	files := map[string]string{testConfig: home, "/home/me/pw": "filepass\nignored\n", "/pw2": "pw2\r\n"}
	type want struct {
		host, port, user, pass string
		scheme                 transport.Scheme
		keepalive              int
	}
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want want
	}{
		{"default profile", nil, nil, want{"profile.host", "1884", "puser", "ppass", transport.TCP, 30}},
		{"env over profile", map[string]string{"MQTT_HOST": "env.host", "MQTT_PASSWORD": "epass", "MQTT_KEEPALIVE": "20"}, nil,
			want{"env.host", "1884", "puser", "epass", transport.TCP, 20}},
		{"flag over env", map[string]string{"MQTT_HOST": "env.host", "MQTT_PORT": "1999"}, []string{"-h", "flag.host", "-P", "fpass"},
			want{"flag.host", "1999", "puser", "fpass", transport.TCP, 30}},
		{"--profile over MQTT_PROFILE over default", map[string]string{"MQTT_PROFILE": "nothere"}, []string{"--profile", "other"},
			want{"other.host", "1883", "<nil>", "<nil>", transport.TCP, 60}},
		{"MQTT_PROFILE over default", map[string]string{"MQTT_PROFILE": "other"}, nil,
			want{"other.host", "1883", "<nil>", "<nil>", transport.TCP, 60}},
		{"--profile '' uses none", nil, []string{"--profile", ""}, want{"localhost", "1883", "<nil>", "<nil>", transport.TCP, 60}},
		{"password file from the profile, ~ expanded, first line", nil, []string{"--profile", "file"},
			want{"localhost", "1883", "fuser", "filepass", transport.TCP, 60}},
		{"MQTT_PASSWORD over the profile's password file", map[string]string{"MQTT_PASSWORD": "e"}, []string{"--profile", "file"},
			want{"localhost", "1883", "fuser", "e", transport.TCP, 60}},
		{"MQTT_PASSWORD_FILE with ~/", map[string]string{"MQTT_PASSWORD_FILE": "~/pw", "MQTT_USERNAME": "eu"}, []string{"--profile", "other"},
			want{"other.host", "1883", "eu", "filepass", transport.TCP, 60}},
		{"--password-file over MQTT_PASSWORD", map[string]string{"MQTT_PASSWORD": "e"}, []string{"--password-file", "/pw2"},
			want{"profile.host", "1884", "puser", "pw2", transport.TCP, 30}},
		{"a profile's url: host, port, credentials, TLS", nil, []string{"--profile", "url"},
			want{"url.host", "8884", "uu", "up", transport.TLS, 60}},
		{"-h on the command line over a profile's url", nil, []string{"--profile", "url", "-h", "flag.host", "-u", "me"},
			want{"flag.host", "8884", "me", "up", transport.TLS, 60}},
		{"-p on the command line over a profile's url", nil, []string{"--profile", "url", "-p", "1000"},
			want{"url.host", "1000", "uu", "up", transport.TLS, 60}},
		{"-L on the command line over the profile's host and credentials", nil, []string{"-L", "mqtt://a:b@flag.host/t"},
			want{"flag.host", "1883", "a", "b", transport.TCP, 30}},
		{"-L's password over a profile's password file, which is not read", nil, []string{"--profile", "nofile", "-L", "mqtt://a:b@flag.host/t"},
			want{"flag.host", "1883", "a", "b", transport.TCP, 60}},
		{"-L and -h on the command line: -L wins, as before", nil, []string{"--profile", "", "-L", "mqtt://flag.host/t", "-h", "h"},
			want{"flag.host", "1883", "<nil>", "<nil>", transport.TCP, 60}},
		{"a profile's unix socket", nil, []string{"--profile", "unix"}, want{"localhost", "1883", "<nil>", "<nil>", transport.Unix, 60}},
		{"-h on the command line over a profile's unix socket", nil, []string{"--profile", "unix", "-h", "h"},
			want{"h", "1883", "<nil>", "<nil>", transport.TCP, 60}},
		{"MQTT_INSECURE=1 is a boolean", map[string]string{"MQTT_INSECURE": "1", "MQTT_CAFILE": "/nonexistent/ca"}, []string{"--profile", ""},
			want{}}, // reaches the CA file: checked below as an error
	}
	for _, c := range cases {
		streams, _, _ := iostreams.Test("")
		o, err := parseWith(t, fakeEnv{c.vars, files}, streams, c.args...)
		if c.want == (want{}) {
			if err == nil || !strings.Contains(err.Error(), "/nonexistent/ca") {
				t.Errorf("%s: err = %v", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		s := o.Session
		got := want{s.Dial.Host, strconv.Itoa(s.Dial.Port), str(s.Username), str(s.Password), s.Dial.Scheme, int(s.KeepAlive.Seconds())}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// With no MQTT_* variables and no profiles file, the options are the flags' alone: what the
// conformance tests compare with mosquitto's clients does not change.
func TestConnWithoutSettingsIsFlagsAlone(t *testing.T) {
	streams, _, errOut := iostreams.Test("")
	o, err := parseWith(t, fakeEnv{}, streams, "-u", "me", "-P", "pw")
	if err != nil {
		t.Fatal(err)
	}
	s := o.Session
	if s.Dial.Host != "localhost" || s.Dial.Port != 1883 || str(s.Username) != "me" || str(s.Password) != "pw" ||
		s.KeepAlive.Seconds() != 60 || s.Version != 4 || o.PasswordPrompt != "" {
		t.Errorf("options %+v", s)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr %q", errOut)
	}
}

// Errors name what is wrong and where, and never show a password.
func TestConnSettingErrors(t *testing.T) {
	cases := []struct {
		name   string
		vars   map[string]string
		config string
		args   []string
		want   []string
	}{
		{"unknown key", nil, "[profiles.a]\nhots = \"x\"\n", []string{"--profile", "a"},
			[]string{testConfig, `profile "a"`, `unknown key "hots"`}},
		{"unknown profile", nil, "[profiles.a]\n", []string{"--profile", "b"}, []string{`no profile "b"`, testConfig}},
		{"unknown MQTT_PROFILE", map[string]string{"MQTT_PROFILE": "b"}, "", nil, []string{`no profile "b"`}},
		{"missing default", nil, "default = \"gone\"\n", nil, []string{`no profile "gone"`}},
		{"bad boolean in the environment", map[string]string{"MQTT_INSECURE": "yes"}, "", nil, []string{"MQTT_INSECURE", `"yes"`, "true or false"}},
		{"bad boolean in a profile", nil, "[profiles.a]\ninsecure = \"maybe\"\n", []string{"--profile", "a"},
			[]string{`"insecure" in profile "a"`, "true or false"}},
		{"bad port from the environment says so", map[string]string{"MQTT_PORT": "x", "MQTT_PASSWORD": "s3cret", "MQTT_USERNAME": "u"}, "", nil,
			[]string{"Invalid port given: x", "MQTT_PORT", "MQTT_PASSWORD"}},
		{"bad port from a profile says so", nil, "[profiles.a]\nport = 0\npassword = \"s3cret\"\nusername = \"u\"\n", []string{"--profile", "a"},
			[]string{"Invalid port given: 0", `profile "a"`, "port", testConfig}},
		{"two ways at one place", map[string]string{"MQTT_PASSWORD": "s3cret", "MQTT_PASSWORD_FILE": "/f"}, "", nil,
			[]string{"MQTT_PASSWORD and MQTT_PASSWORD_FILE", "one way"}},
		{"two ways on the command line", nil, "", []string{"-P", "s3cret", "--password-file", "/f"},
			[]string{"-P and --password-file"}},
		{"unreadable password file", map[string]string{"MQTT_PASSWORD_FILE": "/nope"}, "", nil, []string{"password file", "/nope"}},
		{"a password in a bad -L", nil, "", []string{"-L", "mqtt://u:s3cret@h:99999/t"}, []string{"Invalid port in URL 'mqtt://u:xxxxx@h:99999/t'"}},
		{"a password in a profile's bad url", nil, "[profiles.a]\nurl = \"ftp://u:s3cret@h/t\"\n", []string{"--profile", "a"},
			[]string{"ftp://u:xxxxx@h/t"}},
		{"prompt without a username", nil, "", []string{"--password-prompt"}, []string{"--password-prompt needs a username"}},
		{"prompt without a terminal", nil, "", []string{"-u", "me", "--password-prompt"}, []string{"needs a terminal", "--password-file"}},
	}
	for _, c := range cases {
		files := map[string]string{}
		if c.config != "" {
			files[testConfig] = c.config
		}
		streams, _, _ := iostreams.Test("")
		_, err := parseWith(t, fakeEnv{c.vars, files}, streams, c.args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		text := err.Error()
		var p *problem
		if errors.As(err, &p) {
			text += " " + p.note
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", c.name, text, w)
			}
		}
		if strings.Contains(text, "s3cret") {
			t.Errorf("%s: %q shows the password", c.name, text)
		}
	}
}

// --password-prompt asks on stderr and reads stdin when stdin is a terminal, after parsing; -P,
// MQTT_PASSWORD or a password file at the same or a higher place means no prompt.
func TestPasswordPrompt(t *testing.T) {
	streams, _, errOut := iostreams.Test("typed\nrest")
	streams.InTTY = true
	o, err := parseWith(t, fakeEnv{}, streams, "-h", "broker", "-u", "me", "--password-prompt")
	if err != nil {
		t.Fatal(err)
	}
	if o.Session.Password != nil || errOut.Len() != 0 {
		t.Fatalf("asked while parsing: password %q, stderr %q", str(o.Session.Password), errOut)
	}
	if err := askPassword(context.Background(), o, streams); err != nil {
		t.Fatal(err)
	}
	if str(o.Session.Password) != "typed" || errOut.String() != "Password for me@broker: \n" {
		t.Errorf("password %q, stderr %q", str(o.Session.Password), errOut)
	}

	// A profile that asks, overridden by MQTT_PASSWORD.
	env := fakeEnv{map[string]string{"MQTT_PASSWORD": "e"}, map[string]string{testConfig: "default = \"a\"\n[profiles.a]\nusername = \"me\"\npassword-prompt = true\n"}}
	if o, err = parseWith(t, env, streams); err != nil || o.PasswordPrompt != "" || str(o.Session.Password) != "e" {
		t.Errorf("MQTT_PASSWORD over a prompting profile: prompt %q, password %q, %v", o.PasswordPrompt, str(o.Session.Password), err)
	}
	env.vars = nil
	if o, err = parseWith(t, env, streams); err != nil || o.PasswordPrompt == "" {
		t.Errorf("a prompting profile does not prompt: %+v, %v", o, err)
	}
}

// -P warns once, on a terminal only; a password from anywhere else does not.
func TestPasswordArgumentWarning(t *testing.T) {
	cases := []struct {
		errTTY bool
		vars   map[string]string
		args   []string
		warns  bool
	}{
		{true, nil, []string{"-u", "me", "-P", "pw"}, true},
		{true, nil, []string{"-L", "mqtt://me:pw@h/t"}, true},
		{false, nil, []string{"-u", "me", "-P", "pw"}, false},
		{true, nil, []string{"-u", "me", "-P", "pw", "--quiet"}, false},
		{true, map[string]string{"MQTT_PASSWORD": "pw"}, []string{"-u", "me"}, false},
		{true, nil, []string{"-L", "mqtt://me@h/t"}, false},
	}
	for _, c := range cases {
		streams, _, errOut := iostreams.Test("")
		streams.ErrTTY = c.errTTY
		if _, err := parseWith(t, fakeEnv{vars: c.vars}, streams, c.args...); err != nil {
			t.Fatal(err)
		}
		n := strings.Count(errOut.String(), "Warning: a password on the command line")
		if c.warns && n != 1 || !c.warns && n != 0 {
			t.Errorf("tty %v env %v args %v: stderr %q", c.errTTY, c.vars, c.args, errOut)
		}
		if c.warns && !strings.Contains(errOut.String(), "--password-file") {
			t.Errorf("the warning does not say what to do instead: %q", errOut)
		}
	}
}

// Every connection flag that a profile or the environment can set has a key that reads as a long
// option, and every profile key maps back to its flag.
func TestSettingKeys(t *testing.T) {
	flags := map[string]bool{}
	for _, f := range connFlags("311") {
		flags[f.Names()[0]] = true
	}
	for _, f := range settingFlags() {
		if !flags[f] {
			t.Errorf("settingFlags names %q, which is not a connection flag", f)
		}
		k := settingKey(f)
		if len(k) < 2 || !isSettingKey(k) || connFlagOfKey(k).names[0] != f {
			t.Errorf("flag %q: key %q", f, k)
		}
	}
	if envName("password-file") != "MQTT_PASSWORD_FILE" || envName(settingKey("pw")) != "MQTT_PASSWORD" {
		t.Error("environment variable names")
	}
}

// The README lists every variable.
func TestReadmeListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(settingFlags(), "profile") {
		name := envName(settingKey(f))
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not list %s", name)
		}
	}
}

// A profile's or MQTT_INSECURE's insecure applies only to the broker named at the same place or below:
// -h on the command line turns the name check back on for a host the profile never named.
func TestInsecureStaysWithItsDestination(t *testing.T) {
	profiles := `[profiles.lab]
host = "lab.local"
tls-use-os-certs = true
insecure = true

[profiles.nohost]
tls-use-os-certs = true
insecure = true
`
	for _, c := range []struct {
		vars     map[string]string
		args     []string
		insecure bool
	}{
		{nil, []string{"--profile", "lab"}, true},
		{nil, []string{"--profile", "nohost"}, true}, // localhost, which the profile leaves as it is
		{nil, []string{"--profile", "lab", "-h", "other.example"}, false},
		{nil, []string{"--profile", "lab", "-L", "mqtts://other.example/t"}, false},
		{nil, []string{"--profile", "lab", "-h", "other.example", "--insecure"}, true},
		{map[string]string{"MQTT_HOST": "other.example"}, []string{"--profile", "lab"}, false},
		{map[string]string{"MQTT_INSECURE": "1"}, []string{"--profile", "lab"}, true},
		{map[string]string{"MQTT_INSECURE": "1", "MQTT_HOST": "env.example"}, []string{"--tls-use-os-certs"}, true},
		{map[string]string{"MQTT_INSECURE": "1"}, []string{"--tls-use-os-certs", "-h", "other.example"}, false},
	} {
		env := fakeEnv{vars: c.vars, files: map[string]string{testConfig: profiles}}
		streams, _, _ := iostreams.Test("")
		o, err := parseWith(t, env, streams, c.args...)
		if err != nil {
			t.Fatalf("%v %v: %v", c.vars, c.args, err)
		}
		cfg := o.Session.Dial.TLS
		if cfg == nil || cfg.InsecureSkipVerify != c.insecure {
			t.Errorf("%v %v: TLS %v, want insecure %v", c.vars, c.args, cfg != nil && cfg.InsecureSkipVerify, c.insecure)
		}
	}
}
