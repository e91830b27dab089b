package cmd

import (
	"strconv"
	"testing"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

// A message whose output fails (%J on text, %f on a payload that is no float) is said on stderr, and
// --quiet silences that as mosquitto's err_printf does; the rest of the line is printed either way.
func TestQuietHidesMessageErrors(t *testing.T) {
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	if code, _, errOut := run(t, "mqtt", "pub", "-p", port, "-t", "q/text", "-m", "texts", "-r"); code != 0 {
		t.Fatalf("mqtt pub: exit %d: %s", code, errOut)
	}
	for _, tc := range []struct {
		args      []string
		out, said string
	}{
		{[]string{"mosquitto_sub", "-F", "%J|"}, "|\n", "Error: Message payload is not valid JSON on topic q/text.\n"},
		{[]string{"mqtt", "sub", "-F", "<%f>"}, "<>\n", "Error: Message payload on topic q/text is 5 bytes, not the 4 of a float for %f.\n"},
	} {
		for _, quiet := range []bool{false, true} {
			args := append(append([]string(nil), tc.args...), "-p", port, "-t", "q/text", "-C", "1")
			want := tc.said
			if quiet {
				args, want = append(args, "--quiet"), ""
			}
			code, out, errOut := run(t, args...)
			if code != 0 || out != tc.out || errOut != want {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want stdout %q, stderr %q", args, code, out, errOut, tc.out, want)
			}
		}
	}
}
