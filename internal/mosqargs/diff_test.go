package mosqargs

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mqtt/internal/testtool"
)

// diffCases go beyond the golden rows. Each starts with -p 1 and none names another host or port, so
// the real programs can only ever reach 127.0.0.1:1 (or fail before connecting).
var diffCases = []struct {
	prog Program
	args []string
}{
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", " 0x10"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-V", "5", "-x", "010"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "0x"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "+5"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "99999999999999999999"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "-99999999999999999999"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "-2"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", ""}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-x", "5 "}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "nan"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "-inf"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "-0x1p-3"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "-1e-400"}},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "1e9"}},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "nan"}},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "0x10"}},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "0.1"}},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", ".5e1"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://localhost:"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://u@"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://u%40x:p%3a@localhost:1"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://u%4:p@localhost:1"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://u%zz@localhost:1"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://localhost:1x"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--proxy", "socks5h://u:p@localhost"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--cafile", "ca.pem", "--tls-engine", "dynamic", "--keyform", "engine", "--cert", "cert.pem", "--key", "key.pem", "--tls-engine-kpass-sha1", "00" + strings.Repeat("ab", 19)}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--cafile", "ca.pem", "--tls-engine", "dynamic", "--keyform", "engine", "--cert", "cert.pem", "--key", "key.pem", "--tls-engine-kpass-sha1", "0a" + strings.Repeat("ab", 19)}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--cafile", "ca.pem", "--tls-engine", "dynamic", "--keyform", "engine", "--cert", "cert.pem", "--key", "key.pem", "--tls-engine-kpass-sha1", "0000" + strings.Repeat("ab", 19)}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--cafile", "ca.pem", "--tls-engine", "dynamic", "--keyform", "engine", "--cert", "cert.pem", "--key", "key.pem", "--tls-engine-kpass-sha1", strings.Repeat("ab", 20) + "zz"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--cafile", "certs"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--capath", "certs", "--cert", "cert.pem", "--key", "missing.pem"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--psk", "", "--psk-identity", "i"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-i", "\xff"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-I", "\xff"}},
	{Sub, []string{"-p", "1", "-t", "t", "-F", "%0-5t"}},
	{Sub, []string{"-p", "1", "-t", "t", "-F", "%\xff"}},
	{Sub, []string{"-p", "1", "-t", "t", "-F", "%-10.3x @@ \\e"}},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-c", "-i", "id"}},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-V", "311", "-P", "pw"}},
	{Sub, []string{"-p", "1", "-t", "t", "-V", "5", "-c", "-i", "x", "-x", "10"}},
	{Sub, []string{"-p", "1", "-t", "t", "-c", "-I", "x", "-x", "10", "-V", "5"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-D", "will", "content-type", "x", "--will-topic", "w", "-V", "31"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-D", "will", "content-type", "x"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--quiet", "--proxy", "bogus"}},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--quiet", "-u", "\x01"}},
}

// TestAgainstMosquitto runs diffCases through the installed mosquitto clients and through Load. Without
// the clients it is skipped, and fails under CI=true. It takes a fraction of a second: every case ends
// at the arguments or at a refused connect to port 1.
func TestAgainstMosquitto(t *testing.T) {
	for _, p := range []Program{Pub, Sub, RR} {
		testtool.Path(t, p.Name(), "mosquitto-clients")
	}
	dir := fixture(t)
	cwd := filepath.Join(dir, "cwd")
	readFile, env := fixtureReader(dir), fixtureEnv(dir)
	for _, c := range diffCases {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		cmd := exec.CommandContext(ctx, c.prog.Name(), c.args...)
		cmd.Dir = cwd
		cmd.Env = []string{"LC_ALL=C", "HOME=" + env["HOME"], "XDG_CONFIG_HOME=" + env["XDG_CONFIG_HOME"], "PATH=" + os.Getenv("PATH")}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		cfg, exit := Load(c.prog, c.args, func(k string) string { return env[k] }, readFile, nil)
		name := c.prog.Name() + " " + strings.Join(c.args, " ")
		switch {
		case exit == nil:
			if !isRuntime(errb.String()) && !(errb.Len() == 0 && cfg.Quiet) {
				t.Errorf("%s: Load accepted; mosquitto: %d %q %q", name, code, out.String(), errb.String())
			}
		case exit.Code != code || exit.Stdout == nil && out.Len() > 0 || string(exit.Stderr) != errb.String():
			t.Errorf("%s:\n got %d %q\nwant %d %q", name, exit.Code, exit.Stderr, code, errb.String())
		}
	}
}
