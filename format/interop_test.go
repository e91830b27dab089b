package format

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// outputCase is one set of mosquitto_sub output arguments, tried on every fixture unless only says otherwise.
type outputCase struct {
	name  string
	args  []string // -F FORMAT, -v, -N, --pretty
	clock clockFrom
	only  []string
	// mask hides what mosquitto prints differently each time it reads the clock, when a case reads it more
	// than once.
	mask *regexp.Regexp
}

var outputCases = []outputCase{
	{name: "payload only"},
	{name: "verbose", args: []string{"-v"}},
	{name: "no eol", args: []string{"-N"}},
	{name: "verbose no eol", args: []string{"-v", "-N"}},
	{name: "empty format", args: []string{"-F", ""}},
	{name: "empty format no eol", args: []string{"-F", "", "-N"}},
	{name: "format no eol", args: []string{"-F", "%t", "-N"}},
	{name: "format wins over verbose", args: []string{"-F", "<%t>", "-v"}},
	{name: "basics", args: []string{"-F", "%t|%p|%l|%q|%r|%m|%%"}},
	{name: "hex", args: []string{"-F", "%x|%X"}},
	{name: "topic width precision",
		args: []string{"-F", "[%20t][%-20t][%020t][%-020t][%.3t][%20.3t][%-20.3t][%.0t][%.t][%0.3t][%-0t][%00t][%3t]"}},
	{name: "payload width", args: []string{"-F", "[%15p][%-15p][%015p][%5p][%.3p][%5.3p][%-5.3p][%-p][%0p][%-0p][%1p]"}},
	{name: "hex width", args: []string{"-F", "[%30x][%-30x][%030x][%5x][%6x][%7x][%.3x][%-x][%1x][%2x]"}},
	{name: "upper hex width", args: []string{"-F", "[%30X][%-X][%05X][%-05X]"}},
	// 2.0.11 reads a precision on %x and %X and ignores it: no groups, which DialectMosquitto keeps.
	{name: "hex precision", args: []string{"-F", "[%.2x][%.4x][%.3X][%18.2x][%-18.4x][%08.3x][%.1x][%.0x]"}},
	{name: "length", args: []string{"-F", "[%5l][%-5l][%05l][%-05l][%5.2l][%.2l][%1l]"}},
	{name: "qos retain mid", args: []string{"-F", "[%5q][%-5q][%05q][%5r][%05r][%5m][%05m][%-5m][%-05m]"}},
	{name: "percent", args: []string{"-F", "[%5%][%-5%][%.3%][%%%%][%05%]"}},
	{name: "properties", args: []string{"-F", "[%A][%C][%D][%E][%F][%P][%R][%S]"}},
	{name: "alias content type", args: []string{"-F", "[%5A][%05A][%-5A][%-05A][%5C][%05C][%-20C][%.4C][%20.4C][%-20.4C]"}},
	{name: "expiry format", args: []string{"-F", "[%5E][%05E][%-5E][%-05E][%.2E][%5F][%05F][%-5F][%-05F]"}},
	{name: "response correlation user subid",
		args: []string{"-F", "[%5R][%-15R][%.4R][%15.4R][%5D][%5P][%5S][%05S][%-5S][%-05S][%.1S]"}},
	{name: "iso", args: []string{"-F", "%I"}, clock: clockISO},
	{name: "iso width", args: []string{"-F", "[%30I][%-30I][%.10I][%30.10I][%030I]"}, clock: clockISO},
	{name: "unix", args: []string{"-F", "%U"}, clock: clockUnix},
	{name: "unix width", args: []string{"-F", "[%U][%30U][%.3U][%-030U]"}, clock: clockUnix, mask: unixRE},
	{name: "json", args: []string{"-F", "%j"}, clock: clockTST},
	{name: "json pretty", args: []string{"-F", "%j", "--pretty"}, clock: clockTST},
	{name: "json raw", args: []string{"-F", "%J"}, clock: clockTST},
	{name: "json raw pretty", args: []string{"-F", "%J", "--pretty"}, clock: clockTST},
	{name: "json width ignored", args: []string{"-F", "[%30j][%-.5j]"}, clock: clockTST, mask: tstRE,
		only: []string{"text", "v5"}},
	{name: "json raw twice", args: []string{"-F", "<%J|%J>"}, only: []string{"text", "binary"}},
	{name: "strftime", clock: clockAt, args: []string{"-F", "@s.@N|@a|@A|@b|@B|@c|@C|@d|@D|@e|@F|@g|@G|@h|@H|@I|" +
		"@j|@k|@l|@m|@M|@n|@p|@P|@r|@R|@S|@t|@T|@u|@U|@V|@w|@W|@x|@X|@y|@Y|@z|@Z|@%|@@"}},
	{name: "strftime unknown", clock: clockAt,
		args: []string{"-F", "@s.@N|@E@O@f@i@J@K@L@o@q@Q@v@0@1@_@-@^@#@+@.@ @é@\\"}, only: []string{"text"}},
	{name: "escapes", args: []string{"-F", `[\\][\0][\a][\e][\n][\r][\t][\v]`}},
	{name: "nul separated", args: []string{"-F", `%t\0%p\0`, "-N"}},
	{name: "sentence", args: []string{"-F", "topic=%t qos=%q retain=%r len=%l mid=%m payload=%p"}},
	{name: "ansi colour", args: []string{"-F", `\e[1;31m%t\e[0m %X`}},
}

// TestMatchesMosquittoSub runs mosquitto_sub 2.0.11 against a real broker for every output case and fixture
// and compares its stdout and stderr bytes with the Formatter's.
func TestMatchesMosquittoSub(t *testing.T) {
	m := startMosquitto(t)
	m.publishRetained(t)
	for _, oc := range outputCases {
		for _, fx := range fixtures {
			if oc.only != nil && !slices.Contains(oc.only, fx.name) {
				continue
			}
			t.Run(oc.name+"/"+fx.name, func(t *testing.T) {
				t.Parallel()
				if fx.binary && slices.ContainsFunc(oc.args, func(a string) bool { return strings.Contains(a, "%j") }) {
					t.Skip("deliberately unlike mosquitto: %j prints a binary payload as base64 (TestJSONBinarySafe)")
				}
				out, errOut := m.receive(t, fx, oc.args)
				got, gotErr := m.formatLike(t, fx, oc, out)
				got, out = oc.masked(got), oc.masked(out)
				if !bytes.Equal(got, out) {
					t.Errorf("mosquitto_sub %q\n got %q\nwant %q", oc.args, got, out)
				}
				if !bytes.Equal(gotErr, errOut) {
					t.Errorf("mosquitto_sub %q stderr\n got %q\nwant %q", oc.args, gotErr, errOut)
				}
			})
		}
	}
}

// maxTestSeconds bounds how long the retained v5 message may have waited for its subscriber.
const maxTestSeconds = 300

// formatLike formats the fixture as the case asks, at the time mosquitto printed and, for a message that
// expires, with the remaining interval that makes the output match if there is one.
func (m *mosquitto) formatLike(t *testing.T, fx fixture, oc outputCase, want []byte) (out, stderr []byte) {
	t.Helper()
	received, err := oc.clock.read(want, m.loc)
	if err != nil {
		t.Fatalf("reading the time back from %q: %v", want, err)
	}
	f, err := formatterFor(oc.args, m.loc)
	if err != nil {
		t.Fatal(err)
	}
	for remaining := uint32(expiry); remaining > expiry-maxTestSeconds; remaining-- {
		msg := fx.message(remaining)
		msg.Received = received
		out, err = f.Append(nil, msg)
		stderr = stderrFor(err)
		if bytes.Equal(oc.masked(out), oc.masked(want)) || msg.Props == nil {
			break
		}
	}
	return out, stderr
}

func (oc outputCase) masked(b []byte) []byte {
	if oc.mask == nil {
		return b
	}
	return oc.mask.ReplaceAll(b, []byte("#"))
}

// stderrFor is what mosquitto_sub writes to stderr for an Append error.
func stderrFor(err error) []byte {
	if err == nil {
		return nil
	}
	n := 1
	if nj, ok := err.(*NotJSONError); ok {
		n = nj.Count
	}
	return []byte(strings.Repeat("Error: "+err.Error()+"\n", n))
}

// formatterFor builds the Formatter that the mosquitto_sub output arguments ask for.
func formatterFor(args []string, loc *time.Location) (*Formatter, error) {
	var opts Options
	format, hasFormat := "", false
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-F":
			i++
			format, hasFormat = args[i], true
		case "-v":
			opts.Verbose = true
		case "-N":
			opts.NoEOL = true
		case "--pretty":
			opts.Pretty = true
		default:
			return nil, fmt.Errorf("unknown output argument %q", args[i])
		}
	}
	opts.Location = loc
	if hasFormat {
		return Compile(format, opts)
	}
	return New(opts)
}

// TestRefusesLikeMosquittoSub gives mosquitto_sub each refused -F string; it refuses while reading its
// arguments, before connecting, so no broker is needed.
func TestRefusesLikeMosquittoSub(t *testing.T) {
	sub := lookPath("mosquitto_sub")
	if sub == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("mosquitto_sub must be installed when CI=true")
		}
		t.Skip("mosquitto_sub not installed")
	}
	for _, tc := range refusals {
		cmd := exec.Command(sub, "-F", tc.spec, "-t", "x")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("mosquitto_sub -F %q: %v, want exit status 1", tc.spec, err)
		}
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if first != "Error: "+tc.msg {
			t.Errorf("mosquitto_sub -F %q said %q, the table says %q", tc.spec, first, tc.msg)
		}
	}
}
