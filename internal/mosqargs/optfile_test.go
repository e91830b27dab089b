package mosqargs

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestOptionLines(t *testing.T) {
	long := "-t " + strings.Repeat("a", 1100) + "/+"
	tests := []struct {
		name string
		in   string
		want [][]string
	}{
		{"one option per line", "-p 1\n-q 2\n", [][]string{{"-p", "1"}, {"-q", "2"}}},
		{"comment only in column 1", "# c\n   # c\n", [][]string{{"#", "c"}}},
		{"rest of line is the value", "-t a # b  \n", [][]string{{"-t", "a # b  "}}},
		{"extra spaces kept in the value", "  -t   x\n", [][]string{{"-t", "  x"}}},
		{"quotes kept", "-t \"a b\"\n", [][]string{{"-t", "\"a b\""}}},
		{"CRLF", "-q 1\r\n", [][]string{{"-q", "1"}}},
		{"tab is not a separator", "-t\tx\n", [][]string{{"-t\tx"}}},
		{"trailing space gives no value", "-p \n", [][]string{{"-p"}}},
		{"blank and space-only lines", "\n\n   \n-c", [][]string{{"-c"}}},
		{"NUL ends the line", "-t a\x00b\n", [][]string{{"-t", "a"}}},
		{"long line in 1023-byte chunks", long + "\n", [][]string{{"-t", strings.Repeat("a", 1020)}, {strings.Repeat("a", 80) + "/+"}}},
		{"chunk starting with # is a comment", "-t " + strings.Repeat("a", 1020) + "# x\n", [][]string{{"-t", strings.Repeat("a", 1020)}}},
		{"empty file", "", nil},
	}
	for _, tt := range tests {
		if got := optionLines([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: optionLines(%.40q) = %.200q, want %.200q", tt.name, tt.in, got, tt.want)
		}
	}
}

// files is an in-memory file system for Load's readFile.
type files map[string]string

func (f files) read(name string) ([]byte, error) {
	if s, ok := f[name]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func TestOptionsFileLocation(t *testing.T) {
	fsys := files{
		"/xdg/mosquitto_pub":          "-q 1\n",
		"/home/.config/mosquitto_pub": "-q 2\n",
		"/xdg/mosquitto_sub":          "-q 1\n",
	}
	tests := []struct {
		name    string
		p       Program
		env     map[string]string
		wantQoS int
	}{
		{"XDG_CONFIG_HOME first", Pub, map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home"}, 1},
		{"then HOME/.config", Pub, map[string]string{"HOME": "/home"}, 2},
		{"neither", Pub, map[string]string{}, 0},
		{"HOME not consulted when XDG is set", Pub, map[string]string{"XDG_CONFIG_HOME": "/nowhere", "HOME": "/home"}, 0},
		{"each program its own file", RR, map[string]string{"XDG_CONFIG_HOME": "/xdg"}, 0},
	}
	for _, tt := range tests {
		args := []string{"-t", "t", "-m", "m"}
		if tt.p == RR {
			args = append(args, "-e", "r")
		}
		cfg, exit := Load(tt.p, args, func(k string) string { return tt.env[k] }, fsys.read, nil)
		if exit != nil {
			t.Errorf("%s: exit %d %q", tt.name, exit.Code, exit.Stderr)
			continue
		}
		if cfg.QoS != tt.wantQoS {
			t.Errorf("%s: QoS %d, want %d", tt.name, cfg.QoS, tt.wantQoS)
		}
	}
}

func TestOptionsFileValues(t *testing.T) {
	env := func(k string) string { return map[string]string{"XDG_CONFIG_HOME": "/x"}[k] }
	load := func(content string, args ...string) (*Config, *Exit) {
		return Load(Pub, args, env, files{"/x/mosquitto_pub": content}.read, nil)
	}
	cfg, exit := load("# comment\n-t a b ; not a comment\n-p 1 -q 3\n-h  host\n", "-m", "m")
	if exit != nil {
		t.Fatalf("exit %q", exit.Stderr)
	}
	if *cfg.Topic != "a b ; not a comment" || cfg.Port != 1 || cfg.QoS != 0 || cfg.Host != " host" {
		t.Errorf("topic %q port %d qos %d host %q", *cfg.Topic, cfg.Port, cfg.QoS, cfg.Host)
	}
	// The command line comes after the file and overrides it, but they are one stream for conflicts.
	cfg, exit = load("-q 2\n-t f\n", "-q", "1", "-m", "m")
	if exit != nil || cfg.QoS != 1 {
		t.Fatalf("override: %v %v", cfg, exit)
	}
	_, exit = load("-i x\n", "-I", "p", "-t", "t", "-m", "m")
	if exit == nil || string(exit.Stderr) != "Error: -i and -I argument cannot be used together.\n\n\nUse 'mosquitto_pub --help' to see usage.\n" {
		t.Fatalf("conflict across file and command line: %+v", exit)
	}
	_, exit = load("-D connect user-property a b\n", "-t", "t", "-m", "m")
	if exit == nil || !strings.HasPrefix(string(exit.Stderr), "Error: --property argument given but not enough arguments specified.\n\n\n") {
		t.Fatalf("-D in the file: %+v", exit)
	}
	_, exit = load("--help\n-Z\n", "-t", "t", "-m", "m")
	if exit == nil || string(exit.Stdout) != Usage(Pub) || len(exit.Stderr) != 0 {
		t.Fatalf("--help in the file: %+v", exit)
	}
	// An unreadable file is skipped without a word.
	cfg, exit = Load(Pub, []string{"-t", "t", "-m", "m"}, env, func(string) ([]byte, error) { return nil, errors.New("EACCES") }, nil)
	if exit != nil || cfg.QoS != 0 {
		t.Fatalf("unreadable file: %v %v", cfg, exit)
	}
}
