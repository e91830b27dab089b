package property

import (
	"os/exec"
	"strings"
	"testing"

	"mqtt/internal/testtool"
)

// TestCasesAgainstMosquitto runs every case and every cell of the matrix through the installed
// mosquitto_pub (skipped without it, failing under CI=true), so that the expected texts above are
// mosquitto's and not a guess.
// Port 1 refuses at once, so an accepted command line ends with "Error: Connection refused".
func TestCasesAgainstMosquitto(t *testing.T) {
	path := testtool.Path(t, "mosquitto_pub", "mosquitto-clients")
	if testing.Short() {
		t.Skip("runs mosquitto_pub some 400 times")
	}
	cases := append([]propCase(nil), propCases...)
	for _, row := range allowedMatrix {
		for i, command := range matrixCommands {
			cases = append(cases, matrixCase(row.name, command, row.codes[i]))
		}
	}
	const usage = "\nUse 'mosquitto_pub --help' to see usage.\n"
	for _, c := range cases {
		out, _ := exec.Command(path, append([]string{"-p", "1", "-t", "a", "-m", "x"}, c.args...)...).CombinedOutput()
		got := string(out)
		if c.kind == 0 {
			if got != "Error: Connection refused\n" {
				t.Errorf("%.80q: mosquitto refused it: %q", c.args, got)
			}
			continue
		}
		if want := c.text + usage; got != want {
			t.Errorf("%.80q:\nmosquitto %q\n     want %q", c.args, got, want)
		}
	}
}

// Where mqtt refuses what mosquitto lets through, because mosquitto would send a corrupt packet or one no
// broker can accept.
func TestDeviations(t *testing.T) {
	for _, c := range []propCase{
		// mosquitto accepts 65536 bytes and sends a length of 0.
		{[]string{"-D", "publish", "content-type", long + "a"}, AddFailed, "Error adding property content-type 6\n"},
		{[]string{"-D", "publish", "user-property", long + "a", "v"}, AddFailed, "Error adding property user-property 7\n"},
		// mosquitto never checks a user property's value.
		{[]string{"-D", "publish", "user-property", "k", long + "a"}, AddFailed, "Error adding property user-property 7\n"},
		{[]string{"-D", "publish", "user-property", "k", "\xff"}, AddFailed, "Error adding property user-property 7\n"},
		{[]string{"-D", "publish", "user-property", "k", "\xed\xa0\x80"}, AddFailed, "Error adding property user-property 7\n"},
		{[]string{"-D", "publish", "user-property", "k", "a\x00"}, AddFailed, "Error adding property user-property 7\n"},
	} {
		c.check(t)
	}
	if !strings.Contains(long, "a") {
		t.Fatal("unreachable")
	}
}
