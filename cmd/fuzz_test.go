package cmd

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mqtt/format"
	"mqtt/internal/iostreams"
	"mqtt/internal/property"
	"mqtt/internal/topic"
)

// fuzzFlag is one option whose value FuzzFlagValue varies, in a command line that is good otherwise;
// valid says whether mqtt may connect with the value.
type fuzzFlag struct {
	cmd   string
	args  []string // the option and the words before its value
	rest  []string // the rest of a good command line
	valid func(v string) bool
}

var fuzzFlags = []fuzzFlag{
	{"pub", []string{"-t"}, []string{"-m", "x"}, publishTopic},
	{"pub", []string{"--will-topic"}, []string{"-t", "a", "-m", "x"}, publishTopic},
	{"pub", []string{"-q"}, []string{"-t", "a", "-m", "x"}, intIn(0, 2)},
	{"pub", []string{"-k"}, []string{"-t", "a", "-m", "x"}, func(v string) bool { return intIn(0, 0)(v) || intIn(5, 65535)(v) }},
	{"pub", []string{"-V"}, []string{"-t", "a", "-m", "x"}, oneOf("31", "311", "5", "mqttv31", "mqttv311", "mqttv5")},
	{"pub", []string{"-i"}, []string{"-t", "a", "-m", "x"}, func(v string) bool { return v != "" }},
	{"pub", []string{"-D", "publish", "content-type"}, []string{"-t", "a", "-m", "x"}, propertyValue("content-type")},
	{"pub", []string{"-D", "publish", "message-expiry-interval"}, []string{"-t", "a", "-m", "x"}, propertyValue("message-expiry-interval")},
	{"sub", []string{"-t"}, nil, filter},
	{"sub", []string{"-T"}, []string{"-t", "a"}, filter},
	{"sub", []string{"-C"}, []string{"-t", "a"}, func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n > 0 }},
	{"sub", []string{"-F"}, []string{"-t", "a"}, goodFormat},
	{"rr", []string{"-e"}, []string{"-t", "a", "-m", "x"}, publishTopic},
}

func publishTopic(v string) bool { return topic.ValidatePublish(v) == nil }
func filter(v string) bool       { return topic.ValidateFilter(v) == nil }

// goodFormat is a -F string mqtt sub takes: mosquitto 2.0.11's language and what 2.1 added.
func goodFormat(v string) bool {
	_, err := format.Compile(v, format.Options{Dialect: format.DialectMQTT})
	return err == nil
}

func intIn(lo, hi int) func(string) bool {
	return func(v string) bool { n, err := strconv.Atoi(v); return err == nil && lo <= n && n <= hi }
}

func oneOf(ok ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(ok, v) }
}

func propertyValue(name string) func(string) bool {
	return func(v string) bool {
		s := property.Set{Strict: true}
		return s.Add("publish", name, v) == nil
	}
}

// FuzzFlagValue: whatever the value of an option, mqtt does not panic; it connects only when the value is
// good; and it ends with one Error line (with the usage hint after a bad argument): exit code 1 for a bad
// value, 7 (mosquitto's "connection lost") for a good one, since the broker it is given closes every
// connection at once.
func FuzzFlagValue(f *testing.F) {
	port, accepted := countingListener(f)
	isolateSettings(f, filepath.Join(f.TempDir(), "xdg"))
	for i := range fuzzFlags {
		for _, v := range []string{"", "1", "a/+", "a\x00", "-D", "%t", "\xff", "1\n"} {
			f.Add(uint8(i), v)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, v string) {
		c := fuzzFlags[int(which)%len(fuzzFlags)]
		args := append([]string{"mqtt", c.cmd, "-h", "127.0.0.1", "-p", port}, c.rest...)
		args = append(append(args, c.args...), v)
		io, out, errOut := iostreams.Test("")
		before := accepted.Load()
		code := RunWith(context.Background(), args, io)
		connected := accepted.Load() != before
		if connected && !c.valid(v) {
			t.Fatalf("%q: connected with a bad value", args)
		}
		lines := strings.SplitAfter(errOut.String(), "\n")
		hint := "Use 'mqtt " + c.cmd + " --help' to see usage.\n"
		ok := len(lines) == 2 && lines[1] == "" || len(lines) == 3 && lines[1] == hint && lines[2] == ""
		want := 1
		if connected {
			want = 7
		}
		if code != want || out.Len() != 0 || !ok || !strings.HasPrefix(lines[0], "Error: ") {
			t.Fatalf("%q: exit %d, stdout %q, stderr %q", args, code, clip(out.String()), clip(errOut.String()))
		}
	})
}
