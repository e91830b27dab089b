// Package pycheck runs a Python script from a Go test, so that the codecs are checked against independent
// implementations (Debian's python3-cbor2, -msgpack, -protobuf and -avro). Without Python or one of its
// modules the test is skipped, except under CI=true, where it fails: .ci/run installs them.
package pycheck

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"mqtt/internal/jsonvalue"
)

// interpreter prefers Debian's python3, which has the Debian modules, over one earlier in PATH (pyenv).
func interpreter() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	return ""
}

// Need checks that python3 imports every module, and skips (or fails under CI=true) when it cannot.
func Need(t testing.TB, modules ...string) {
	t.Helper()
	py := interpreter()
	var err error
	var out []byte
	if py == "" {
		err = exec.ErrNotFound
	} else {
		script := ""
		for _, m := range modules {
			script += "import " + m + "\n"
		}
		out, err = exec.Command(py, "-c", script).CombinedOutput()
	}
	if err != nil {
		msg := "python3 with " + strings.Join(modules, ", ") + " is needed: " + err.Error() + " " + string(out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// Run runs script with stdin and returns its standard output; a failing script fails the test.
func Run(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(interpreter(), append([]string{"-c", script}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.Bytes())
	}
	return out
}

// SameJSON compares JSON texts in order, numbers by value (Python writes 1e-07, we write 1e-7); a text
// that is not JSON fails the test.
func SameJSON(t testing.TB, a, b string) bool {
	t.Helper()
	x, err := jsonvalue.Canonical([]byte(a))
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	y, err := jsonvalue.Canonical([]byte(b))
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return bytes.Equal(x, y)
}
