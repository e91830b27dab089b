package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func isKey(k string) bool {
	switch k {
	case "host", "port", "username", "password", "password-file", "insecure", "id", "url":
		return true
	}
	return false
}

func TestPath(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/mqtt/config.toml"},
		{map[string]string{"XDG_CONFIG_HOME": "", "HOME": "/h"}, "/h/.config/mqtt/config.toml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/mqtt/config.toml"},
	}
	for _, c := range cases {
		got, err := Path(func(k string) string { return c.env[k] })
		if err != nil || got != c.want {
			t.Errorf("Path(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	if _, err := Path(func(string) string { return "" }); err == nil {
		t.Error("Path with neither HOME nor XDG_CONFIG_HOME: no error")
	}
}

func TestParse(t *testing.T) {
	data := `
default = "home"

[profiles.home]
host = "broker.lan"
port = 1883
insecure = true
username = "me"

[profiles."work.eu"]
url = "mqtts://u:p@w/t"
id = "007"
`
	f, err := Parse("c.toml", []byte(data), isKey)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{Path: "c.toml", Default: "home", Profiles: map[string]Profile{
		"home":    {"host": "broker.lan", "port": "1883", "insecure": "true", "username": "me"},
		"work.eu": {"url": "mqtts://u:p@w/t", "id": "007"},
	}}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("Parse = %+v\nwant %+v", f, want)
	}
	if got := f.Names(); !reflect.DeepEqual(got, []string{"home", "work.eu"}) {
		t.Errorf("Names = %v", got)
	}
}

// Every refusal names the file and what is wrong; none quotes a password.
func TestParseRefuses(t *testing.T) {
	cases := []struct {
		data string
		want []string
	}{
		{"[profiles.home]\nhots = \"x\"\n", []string{"c.toml", `profile "home"`, `unknown key "hots"`}},
		{"colour = 1\n", []string{"c.toml", `unknown key "colour"`}},
		{"[profiles.home]\nport = 1.5\n", []string{"c.toml", `key "port"`, "whole number"}},
		{"[profiles.home]\nhost = [\"a\"]\n", []string{"c.toml", `key "host"`}},
		{"[profiles.home]\nhost = \n", []string{"c.toml:2", "not valid TOML"}},
		{"[profiles.home]\npassword = s3cret\n", []string{"c.toml:2", "profiles.home.password"}},
		{"[profiles.home]\npassword = \"s3cret\n", []string{"c.toml:2", "profiles.home.password"}},
	}
	for _, c := range cases {
		_, err := Parse("c.toml", []byte(c.data), isKey)
		if err == nil {
			t.Errorf("Parse(%q): no error", c.data)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Parse(%q) = %q, want it to contain %q", c.data, err, w)
			}
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Parse(%q) = %q quotes the password", c.data, err)
		}
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none", "config.toml")
	f, err := Load(path, os.ReadFile, isKey)
	if err != nil || f.Path != path || len(f.Profiles) != 0 || f.Default != "" {
		t.Fatalf("Load(missing) = %+v, %v", f, err)
	}
}

func TestLookup(t *testing.T) {
	f := &File{Path: "c.toml", Profiles: map[string]Profile{"a": {"host": "h"}}}
	if p, err := f.Lookup("a"); err != nil || p["host"] != "h" {
		t.Errorf("Lookup(a) = %v, %v", p, err)
	}
	if _, err := f.Lookup("b"); err == nil || !strings.Contains(err.Error(), `no profile "b" in c.toml`) {
		t.Errorf("Lookup(b) = %v", err)
	}
}

// What Save writes reads back the same, owner-only, with numbers and booleans as TOML types.
func TestSaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mqtt", "config.toml")
	f := &File{Path: path, Default: "home", Profiles: map[string]Profile{
		"home": {"host": "broker.lan", "port": "1883", "insecure": "true", "password": "p \"q\"\n"},
		"lab":  {"id": "007", "username": "-1x"},
	}}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	for _, w := range []string{"port = 1883\n", "insecure = true\n", `id = "007"`, "[profiles.home]"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("file lacks %q:\n%s", w, data)
		}
	}
	back, err := Load(path, os.ReadFile, isKey)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, f) {
		t.Errorf("read back %+v\nwant %+v", back, f)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only config.toml", len(entries))
	}
}

// Saving over a file that others could read leaves it readable by its owner only.
func TestSaveNarrowsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &File{Path: path, Profiles: map[string]Profile{}}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"home", "work.eu", "a_b-c", "1"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "a b", "a/b", "ä"} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q): no error", bad)
		}
	}
}
