package mosqargs

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary argument lists (NUL-separated), options files and stdin through Load: it must
// never panic (run it with -fuzzminimizetime 2s: minimizing its long inputs otherwise stalls the workers), and a run it ends must say something or be one of mosquitto's silent exits.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"-t\x00a/+", "-D\x00connect\x00user-property\x00k", "-L\x00mqtt://u:p@h:1/t", "--proxy\x00socks5h://a:b@c:d:e",
		"-F\x00%0", "-x\x00-0x", "--random-filter\x00nan", "-m\x00x\x00-f\x00y", "--help", "-i\x00\x00-I\x00p",
	} {
		f.Add(uint8(0), seed, "-q 1\n", "x")
		f.Add(uint8(1), seed, "# c\n-t a", "")
		f.Add(uint8(2), seed, "-e r", "")
	}
	f.Fuzz(func(t *testing.T, prog uint8, args, file, stdin string) {
		p := Program(prog % 3)
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\x00")
		}
		env := func(k string) string {
			if k == "HOME" {
				return "/h"
			}
			return ""
		}
		readFile := func(name string) ([]byte, error) {
			if name == "/h/.config/"+p.Name() {
				return []byte(file), nil
			}
			return []byte("x"), nil
		}
		cfg, exit := Load(p, argv, env, readFile, bytes.NewReader([]byte(stdin)))
		if (cfg == nil) == (exit == nil) {
			t.Fatalf("Load(%q) = %v, %v: want exactly one", argv, cfg, exit)
		}
		if exit != nil && exit.Code != 1 {
			t.Fatalf("Load(%q) exit code %d", argv, exit.Code)
		}
	})
}
