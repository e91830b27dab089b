package topic

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"mqtt/internal/testtool"
)

// TestMessagesAgainstMosquitto runs the installed mosquitto clients (skipped without them, failing under
// CI=true) on a refused argument for every entry of Messages. Argument errors stop them before they
// connect.
func TestMessagesAgainstMosquitto(t *testing.T) {
	for arg, texts := range Messages {
		path := testtool.Path(t, arg.Program, "mosquitto-clients")
		bad := "a/+x"
		validate := ValidatePublish
		if texts.Filter {
			bad, validate = "a/#/b", ValidateFilter
		}
		for _, c := range []struct{ value, want string }{
			{bad, fmt.Sprintf(texts.Invalid, bad)},
			{"a/\x01", texts.UTF8},
		} {
			if err := validate(c.value); err == nil || errors.Is(err, ErrMalformedUTF8) != strings.Contains(c.want, "UTF-8") {
				t.Errorf("%v %q: validator says %v", arg, c.value, err)
			}
			value := c.value
			if arg.Option == "-L" || arg.Option == "--url" {
				value = "mqtt://localhost/" + value
			}
			out, _ := exec.Command(path, "-p", "1", arg.Option, value).CombinedOutput()
			if want := c.want + fmt.Sprintf(UsageHint, arg.Program); string(out) != want {
				t.Errorf("%s %s %q printed\n%q, want\n%q", arg.Program, arg.Option, value, out, want)
			}
		}
	}
}
