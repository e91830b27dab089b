// Package testtool finds the programs that tests compare mqtt with or drive: the mosquitto broker and
// clients, hexdump. Without one a test is skipped on a developer's machine and fails under CI=true,
// where .ci/run installs them all, so that a green CI never hides a comparison that did not run.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns where the program name is, on PATH or at one of the fallbacks (mosquitto lives in
// /usr/sbin, which a non-login PATH may lack). When it is missing the test is skipped, or fails under
// CI=true; pkg is the Debian package that provides it, for the message.
func Path(t testing.TB, name, pkg string, fallbacks ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range fallbacks {
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI must run this test (Debian package %s, installed by .ci/run)", name, pkg)
	}
	t.Skipf("%s is not installed (Debian package %s)", name, pkg)
	return ""
}
