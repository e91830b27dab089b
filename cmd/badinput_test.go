package cmd

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/iostreams"
)

// badInput is one command line that must be refused before connecting. want is the whole message after
// "Error: ", on one line; usage says the usage hint follows it, as it does for a mistake in the arguments
// (as opposed to a file or a value that cannot be used).
type badInput struct {
	args  []string
	want  string
	usage bool
}

// placeholders in args: $PORT is the test's listener, $DIR a folder with the files below.
var badInputs = []badInput{
	// Numbers out of range or not numbers at all.
	{[]string{"pub", "-t", "a", "-m", "x", "-q", "3"}, "Invalid QoS given: 3 (use 0, 1 or 2).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-q", "-1"}, "Invalid QoS given: -1 (use 0, 1 or 2).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-q", "one"}, "Invalid QoS given: one (use 0, 1 or 2).", true},
	{[]string{"sub", "-t", "a", "-q", "3"}, "Invalid QoS given: 3 (use 0, 1 or 2).", true},
	{[]string{"rr", "-t", "a", "-e", "b", "-m", "x", "-q", "3"}, "Invalid QoS given: 3 (use 0, 1 or 2).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-q", "1\n"}, `Invalid QoS given: 1\n (use 0, 1 or 2).`, true},
	{[]string{"pub", "-t", "a", "-m", "x", "-p", "0"}, "Invalid port given: 0 (use 1 to 65535).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-p", "70000"}, "Invalid port given: 70000 (use 1 to 65535).", true},
	{[]string{"sub", "-t", "a", "-p", "http"}, "Invalid port given: http (use 1 to 65535).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-k", "2"}, "Invalid keepalive given: 2 (use 0, or 5 to 65535 seconds).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-k", "65536"}, "Invalid keepalive given: 65536 (use 0, or 5 to 65535 seconds).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-V", "4"}, "Invalid protocol version argument given: 4 (use 31, 311 or 5).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-x", "soon"}, "Invalid session expiry interval given: soon (seconds, or -1 for never).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-x", "4294967296"}, "Invalid session expiry interval given: 4294967296 (seconds, or -1 for never).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "3"}, "Invalid will QoS 3 (use 0, 1 or 2).", true},
	// A message given twice, as mosquitto_pub refuses it (a flag parser would keep the last).
	{[]string{"pub", "-t", "a", "-m", "x", "-m", "y"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "--message=x", "-m", "y"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-s", "-s"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-l", "--stdin-line"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-n", "-n"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-f", "$DIR/a", "-f", "$DIR/b"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "--size", "1", "--size", "2"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"rr", "-t", "a", "-e", "b", "-m", "x", "-m", "y"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--repeat", "-1"}, "--repeat argument must be 0 (for ever) or greater.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--repeat-delay", "-1"}, "--repeat-delay argument must be 0 or greater.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-M", "0"}, "Maximum inflight messages must be greater than 0.", true},
	{[]string{"pub", "-t", "a", "--size", "-1"}, `--size "-1": want a number of bytes from 0 to 268435455.`, true},
	{[]string{"pub", "-t", "a", "-m", "x", "--duration", "0"}, `--duration "0": want seconds (30) or a duration (10m) above 0.`, true},
	{[]string{"sub", "-t", "a", "-C", "0"}, `Invalid message count "0" (use 1 or more).`, true},
	{[]string{"sub", "-t", "a", "-W", "0"}, `Invalid timeout "0" (use 1 or more seconds).`, true},
	{[]string{"sub", "-t", "a", "--random-filter", "0"}, `Invalid --random-filter "0" (use a percentage from 0.1 to 100).`, true},
	{[]string{"pub", "-t", "a", "-m", "x", "--tls-version", "tlsv9"}, "Unsupported TLS version 'tlsv9' (use tlsv1.3, tlsv1.2 or tlsv1.1).", true},

	// Topics to publish to: no wildcards, not empty, UTF-8 without control characters, at most 65535 bytes.
	{[]string{"pub", "-t", "a/+", "-m", "x"}, "Invalid publish topic 'a/+', does it contain '+' or '#'?", true},
	{[]string{"pub", "-t", "a/#", "-m", "x"}, "Invalid publish topic 'a/#', does it contain '+' or '#'?", true},
	{[]string{"pub", "--topic", "#", "-m", "x"}, "Invalid publish topic '#', does it contain '+' or '#'?", true},
	{[]string{"pub", "-t", "", "-m", "x"}, "Invalid publish topic '': a topic cannot be empty.", true},
	{[]string{"pub", "-t", "a\x00b", "-m", "x"}, "Malformed UTF-8 in -t argument: NUL (U+0000) at byte 1.", true},
	{[]string{"pub", "-t", "a\tb", "-m", "x"}, "Malformed UTF-8 in -t argument: control character U+0009 at byte 1.", true},
	{[]string{"pub", "-t", "caf\xe9", "-m", "x"}, "Malformed UTF-8 in -t argument: invalid byte 0xe9 at byte 3.", true},
	{[]string{"pub", "-t", strings.Repeat("a", 65536), "-m", "x"}, "Invalid publish topic (65536 bytes): a topic can be at most 65535 bytes.", true},
	{[]string{"pub", "-t", strings.Repeat("a", 70000), "-m", "x"}, "Invalid publish topic (70000 bytes): a topic can be at most 65535 bytes.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-topic", "w/#"}, "Invalid will topic 'w/#', does it contain '+' or '#'?", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-topic", ""}, "Invalid will topic '': a topic cannot be empty.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-topic", "w\xff"}, "Malformed UTF-8 in --will-topic argument: invalid byte 0xff at byte 1.", true},
	{[]string{"rr", "-t", "a/+", "-e", "b", "-m", "x"}, "Invalid publish topic 'a/+', does it contain '+' or '#'?", true},
	{[]string{"rr", "-t", "a", "-e", "b/#", "-m", "x"}, "Invalid response topic 'b/#', does it contain '+' or '#'?", true},
	{[]string{"rr", "-t", "a", "-e", "b\x7f", "-m", "x"}, "Malformed UTF-8 in -e argument: control character U+007F at byte 1.", true},
	{[]string{"rr", "-t", "a\x00", "-e", "b", "-m", "x"}, "Malformed UTF-8 in -t argument: NUL (U+0000) at byte 1.", true},

	// Filters to subscribe to: '#' alone and last, '+' alone in its level.
	{[]string{"sub", "-t", "a/#/b"}, "Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?", true},
	{[]string{"sub", "-t", "a#"}, "Invalid subscription topic 'a#', are all '+' and '#' wildcards correct?", true},
	{[]string{"sub", "-t", "a", "-t", "+x"}, "Invalid subscription topic '+x', are all '+' and '#' wildcards correct?", true},
	{[]string{"sub", "-t", ""}, "Invalid subscription topic '': a topic cannot be empty.", true},
	{[]string{"sub", "-t", "a\x00"}, "Malformed UTF-8 in -t argument: NUL (U+0000) at byte 1.", true},
	{[]string{"sub", "-t", "\xc0\xaf"}, "Malformed UTF-8 in -t argument: invalid byte 0xc0 at byte 0.", true},
	{[]string{"sub", "-t", strings.Repeat("a/", 33000)}, "Invalid subscription topic (66000 bytes): a topic can be at most 65535 bytes.", true},
	{[]string{"sub", "-t", "a", "-T", "a/#/b"}, "Invalid filter topic 'a/#/b', are all '+' and '#' wildcards correct?", true},
	{[]string{"sub", "-t", "a", "-T", "\x01"}, "Malformed UTF-8 in -T argument: control character U+0001 at byte 0.", true},
	{[]string{"sub", "-t", "a", "-U", "a+"}, "Invalid unsubscribe topic 'a+', are all '+' and '#' wildcards correct?", true},
	{[]string{"sub", "-t", "a", "-U", ""}, "Invalid unsubscribe topic '': a topic cannot be empty.", true},

	// -L URLs.
	{[]string{"pub", "-m", "x", "-L", "ftp://127.0.0.1:$PORT/t"}, "Unsupported URL scheme in 'ftp://127.0.0.1:$PORT/t' (use mqtt://, mqtts://, ws:// or wss://).", true},
	{[]string{"pub", "-m", "x", "-L", "127.0.0.1:$PORT/t"}, "Unsupported URL scheme in '127.0.0.1:$PORT/t' (use mqtt://, mqtts://, ws:// or wss://).", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:$PORT"}, "Invalid URL for -L argument specified - topic missing.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://"}, "Invalid URL for -L argument specified - topic missing.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:0/t"}, "Invalid port in URL 'mqtt://127.0.0.1:0/t'.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:70000/t"}, "Invalid port in URL 'mqtt://127.0.0.1:70000/t'.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://u:secret@127.0.0.1:x/t"}, "Invalid port in URL 'mqtt://u:xxxxx@127.0.0.1:x/t'.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:$PORT/a/+"}, "Invalid publish topic 'a/+', does it contain '+' or '#'?", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:$PORT/"}, "Invalid publish topic '': a topic cannot be empty.", true},
	{[]string{"pub", "-m", "x", "-L", "mqtt://127.0.0.1:$PORT/a\xff"}, "Malformed UTF-8 in -L topic argument: invalid byte 0xff at byte 1.", true},
	{[]string{"sub", "-L", "mqtt://127.0.0.1:$PORT/a/#/b"}, "Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?", true},
	{[]string{"rr", "-e", "b", "-m", "x", "-L", "mqtt://127.0.0.1:$PORT/#"}, "Invalid publish topic '#', does it contain '+' or '#'?", true},

	// -D: unknown commands and names, values of the wrong type or out of range, too few words.
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "colour", "red"}, "Invalid property name given in --property argument.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "post", "content-type", "x"}, "Invalid command given in --property argument.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "connect", "topic-alias", "3"}, "topic-alias property not allowed for connect in --property argument.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "subscription-identifier", "1"}, "subscription-identifier property not supported for publish in --property argument.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "-1"}, "Property value (-1) out of range for property message-expiry-interval.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "4294967296"}, "Property value (4294967296) out of range for property message-expiry-interval.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "soon"}, "Property value (soon) is not a number for property message-expiry-interval.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "10s"}, "Property value (10s) is not a number for property message-expiry-interval.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "1\r\n"}, `Property value (1\r\n) is not a number for property message-expiry-interval.`, true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "payload-format-indicator", "2"}, "Property value (2) out of range for property payload-format-indicator.", true},
	{[]string{"sub", "-t", "a", "-D", "subscribe", "subscription-identifier", "0x10"}, "Property value (0x10) is not a number for property subscription-identifier.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "connect", "receive-maximum", "0"}, "Error in CONNECT properties: A network protocol error occurred when communicating with the broker.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "content-type", "a\xffb"}, "Malformed UTF-8 in property value for content-type: invalid byte 0xff at byte 1.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "response-topic", "r\tb"}, "Malformed UTF-8 in property value for response-topic: control character U+0009 at byte 1.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "user-property", "k\x01", "v"}, "Malformed UTF-8 in property name for user-property: control character U+0001 at byte 1.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "user-property", "k", "v\t\xc3"}, "Malformed UTF-8 in property value for user-property: invalid byte 0xc3 at byte 2.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "correlation-data", strings.Repeat("c", 65536)}, "Property value too long for property correlation-data.", true},
	{[]string{"sub", "-t", "a", "-D", "subscribe", "subscription-identifier", "268435456"}, "Property value (268435456) out of range for property subscription-identifier.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "user-property", "k"}, "-D argument given but no property specified.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "content-type"}, "-D argument given but no property specified.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b"}, "Error in PUBLISH properties: Duplicate property in property list", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-V", "311", "-D", "publish", "content-type", "x"}, "Properties (-D) need MQTT 5: add -V 5.", true},

	// Files that are not there.
	{[]string{"pub", "-t", "a", "-f", "$DIR/missing"}, `Unable to read file "$DIR/missing": no such file or directory.`, false},
	{[]string{"pub", "-t", "a", "-f", "$DIR"}, `Unable to read file "$DIR": is a directory.`, false},
	{[]string{"rr", "-t", "a", "-e", "b", "-f", "$DIR/missing"}, `Unable to read file "$DIR/missing": no such file or directory.`, false},
	{[]string{"pub", "-t", "a", "-m", "x", "--cafile", "$DIR/missing"}, "cannot read CA file $DIR/missing: no such file or directory", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--capath", "$DIR/missing"}, "cannot read CA directory $DIR/missing: no such file or directory", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--tls-use-os-certs", "--cert", "$DIR/missing", "--key", "$DIR/key"}, "cannot read certificate file $DIR/missing: no such file or directory", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--tls-use-os-certs", "--cert", "$DIR/cert", "--key", "$DIR/missing"}, "cannot read key file $DIR/missing: no such file or directory", false},
	{[]string{"pub", "-t", "a", "-m", "x", "-u", "me", "--password-file", "$DIR/missing"}, "cannot read password file $DIR/missing: no such file or directory", false},
	{[]string{"sub", "-t", "a", "--profile", "home"}, "no profile \"home\" in $DIR/xdg/mqtt/config.toml (`mqtt profile list` names them)", false},

	// Options that contradict each other.
	{[]string{"pub", "-t", "a", "-m", "x", "-f", "$DIR/cert"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-s", "-l"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-n", "--size", "10"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"rr", "-t", "a", "-e", "b", "-m", "x", "-n"}, "Only one type of message can be sent at once (-m, -f, -s, -l or -n).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--cert", "$DIR/cert"}, "Both certfile and keyfile must be provided if one of them is set.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--key", "$DIR/key"}, "Both certfile and keyfile must be provided if one of them is set.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--cert", "$DIR/cert", "--key", "$DIR/key"}, "--cert and --key need TLS: add --cafile, --capath or --tls-use-os-certs, or use an mqtts:// or wss:// URL.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-i", "me", "-I", "pre"}, "-i and -I argument cannot be used together.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-i", ""}, "Client id given but it is empty (omit -i for a random one).", true},
	{[]string{"sub", "-t", "a", "-c"}, "You must provide a client id if you are using the -c option.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--count", "2", "--repeat", "3"}, "--count and --repeat say different things: give one of them.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--line-topic", " "}, "--line-topic needs -l: it says how to find the topic in each line.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-payload", "bye"}, "Will payload given, but no will topic given.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--will-retain"}, "Will retain given, but no will topic given.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-P", "pw"}, "A password (-P) needs a username (-u) on MQTT 3.1 and 3.1.1.", false},
	{[]string{"pub", "-t", "a", "-m", "x", "-u", "me", "-P", "pw", "--password-file", "$DIR/cert"}, "the password is given two ways (-P and --password-file): give it one way", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--password-prompt"}, "--password-prompt needs a username: add -u USER", false},
	{[]string{"rr", "-t", "a", "-e", "b", "-m", "x", "-V", "311", "--correlate"}, "--correlate needs MQTT 5 (correlation data is a v5 property).", true},
	{[]string{"sub", "-t", "a", "-F", "%t", "--json"}, "-F and --json both say how to print messages: give one of them.", true},

	// Templates that do not compile.
	{[]string{"pub", "-t", "a", "-m", "{{", "--template"}, "template -m: unclosed action.", true},
	{[]string{"pub", "-t", "t/{{", "-m", "x", "--template"}, "template -t: unclosed action.", true},
	{[]string{"pub", "-t", "a", "-m", "{{nosuch}}", "--template"}, `template -m at column 3: function "nosuch" is not defined.`, true},

	// Missing, unknown and stray arguments.
	{[]string{"pub", "-m", "x"}, "Both topic and message must be supplied.", true},
	{[]string{"pub", "-t", "a"}, "Both topic and message must be supplied.", true},
	{[]string{"sub"}, "You must specify a topic to subscribe to (-t) or unsubscribe from (-U).", true},
	{[]string{"rr", "-t", "a", "-m", "x"}, "All of topic, message, and response topic must be supplied.", true},
	{[]string{"pub", "-t", "a", "-m"}, "-m argument given but no message specified.", true},
	{[]string{"sub", "-t"}, "-t argument given but no topic specified.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "-z"}, "Unknown option '-z'.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--bogus"}, "Unknown option '--bogus'.", true},
	{[]string{"sub", "-t", "a", "--bogus=1"}, "Unknown option '--bogus'.", true},
	{[]string{"pub", "-t", "a", "-m", "x", "y"}, "Unexpected argument 'y': every value belongs to an option (quote values with spaces).", true},
	{[]string{"pub", "-t", "a", "-m", "x", "--psk", "00"}, "--psk is not supported by mqtt: Go's TLS has no pre-shared keys.", true},
	{[]string{"sub", "-t", "a", "-F", "%"}, "Incomplete format specifier.", true},
	{[]string{"sub", "-t", "a", "--color", "sometimes"}, `invalid --color "sometimes": use auto, always or never`, true},
}

// TestBadInput: every bad command line gets one Error line naming the problem (and, for a mistake in the
// arguments, the usage hint), exit code 1, nothing on stdout, and no connection attempt: the broker
// address the commands are given is a listener that counts what it accepts.
func TestBadInput(t *testing.T) { runBadInputs(t, badInputs) }

// unreadableInputs need a file the test cannot read: mode 000 stops everyone but root.
var unreadableInputs = []badInput{
	{[]string{"pub", "-t", "a", "-f", "$DIR/secret"}, `Unable to read file "$DIR/secret": permission denied.`, false},
	{[]string{"pub", "-t", "a", "-m", "x", "--cafile", "$DIR/secret"}, "cannot read CA file $DIR/secret: permission denied", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--tls-use-os-certs", "--cert", "$DIR/secret", "--key", "$DIR/key"}, "cannot read certificate file $DIR/secret: permission denied", false},
	{[]string{"pub", "-t", "a", "-m", "x", "--tls-use-os-certs", "--cert", "$DIR/cert", "--key", "$DIR/secret"}, "cannot read key file $DIR/secret: permission denied", false},
	{[]string{"pub", "-t", "a", "-m", "x", "-u", "me", "--password-file", "$DIR/secret"}, "cannot read password file $DIR/secret: permission denied", false},
}

// TestBadInputUnreadable runs unreadableInputs. Root reads any file, and CI runs as root: there the cases
// run in a copy of this test binary started as nobody, so that they run everywhere.
func TestBadInputUnreadable(t *testing.T) {
	if os.Geteuid() != 0 {
		runBadInputs(t, unreadableInputs)
		return
	}
	out, err := runAsNobody(t, "^TestBadInputUnreadable$")
	if err != nil {
		t.Fatalf("the cases as nobody: %v\n%s", err, out)
	}
	// The copy must have run every case, not skipped them.
	if n := strings.Count(out, "--- PASS: TestBadInputUnreadable/"); n != len(unreadableInputs) {
		t.Fatalf("%d of %d cases passed as nobody:\n%s", n, len(unreadableInputs), out)
	}
}

// nobody is the user id that root's tests drop to (Debian's nobody and nogroup).
const nobody = 65534

// runAsNobody runs the tests matching pattern in a copy of this test binary as nobody, and returns
// their verbose output. The copy sits in a folder nobody can enter, as the binary go test built may not.
func runAsNobody(t *testing.T, pattern string) (string, error) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "mqtt-nobody")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(self))
	if err := copyFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound on failure only
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run="+pattern, "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyFile(dst, src string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runBadInputs runs each case against a counting listener, in a folder of files (badInputDir) and with
// the user's settings kept out.
func runBadInputs(t *testing.T, cases []badInput) {
	port, accepted := countingListener(t)
	dir := badInputDir(t)
	isolateSettings(t, filepath.Join(dir, "xdg"))
	expand := strings.NewReplacer("$PORT", port, "$DIR", dir).Replace
	for _, c := range cases {
		args := []string{"mqtt", c.args[0]}
		args = append(args, toListener(c.args, port)...)
		for _, a := range c.args[1:] {
			args = append(args, expand(a))
		}
		name := strings.Join(c.args, " ")
		if len(name) > 80 {
			name = name[:80] + "..."
		}
		t.Run(name, func(t *testing.T) {
			streams, out, errOut := iostreams.Test("")
			before := accepted.Load()
			code := RunWith(context.Background(), args, streams)
			if n := accepted.Load() - before; n != 0 {
				t.Errorf("made %d connection(s) before refusing", n)
			}
			want := "Error: " + expand(c.want) + "\n"
			if strings.Count(want, "\n") != 1 {
				t.Fatalf("bad test: the expected message is not one line: %q", want)
			}
			if c.usage {
				want += "Use 'mqtt " + c.args[0] + " --help' to see usage.\n"
			}
			if code != 1 || errOut.String() != want || out.Len() != 0 {
				t.Errorf("exit %d\nstderr %q\nwant   %q\nstdout %q", code, clip(errOut.String()), clip(want), clip(out.String()))
			}
		})
	}
}

// toListener is what points a command line at the listener, put before its own arguments: -h 127.0.0.1,
// and -p with the listener's port unless the case gives -p or -L itself (whose URLs name the listener).
func toListener(args []string, port string) []string {
	if slices.Contains(args, "-p") || slices.Contains(args, "-L") {
		return []string{"-h", "127.0.0.1"}
	}
	return []string{"-h", "127.0.0.1", "-p", port}
}

// countingListener accepts connections on a loopback port, counts them and closes each at once, so a
// command that connects by mistake fails fast instead of waiting for a CONNACK.
func countingListener(t testing.TB) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1) // before Close, which is what lets the client go on
			_ = c.Close()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), &n
}

// badInputDir holds a readable certificate and key (whose contents never matter: every case fails
// before they are parsed) and a file nobody but root can read.
func badInputDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, perm := range map[string]os.FileMode{"cert": 0o644, "key": 0o600, "secret": 0o000} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not PEM\n"), perm); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// isolateSettings keeps the user's MQTT_* variables and profiles out of the run: either would add
// values, and a note line, to what the commands see.
func isolateSettings(t testing.TB, configHome string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "MQTT_") {
			t.Setenv(k, "")
		}
	}
	t.Setenv("XDG_CONFIG_HOME", configHome)
	t.Setenv("NO_COLOR", "")
}

// clip keeps a failure readable when the text quotes a 70,000-byte topic.
func clip(s string) string {
	if len(s) > 300 {
		return s[:150] + "..." + s[len(s)-150:]
	}
	return s
}

// A value echoed in a message cannot break it into lines or send control sequences to the terminal.
func TestOneLine(t *testing.T) {
	cases := map[string]string{
		"plain 'é' \"q\"":     "plain 'é' \"q\"",
		"1\n2\t3\x1b[31m":     `1\n2\t3\x1b[31m`,
		"bad \xff\xfe \u0085": `bad \xff\xfe \u0085`,
		"keeps \ufffd":        "keeps \ufffd",
	}
	for in, want := range cases {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
