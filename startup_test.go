package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// ownInitBudget bounds what each of mqtt's own packages allocates before main. Every run pays for every
// package's initialisation, whichever command it runs, so a big table that only some commands use belongs
// in a sync.OnceValue: `mqtt pub -m 21.5` from cron should not build mosquitto mode's option index (it
// took 12 KB of mosqargs' init) or the completion generator's regexps. The largest today take 6 KB.
const ownInitBudget = 8 << 10

var initLine = regexp.MustCompile(`(?m)^init (mqtt(?:/\S+)?) @\S+ ms, \S+ ms clock, (\d+) bytes, \d+ allocs$`)

func TestOwnPackagesAllocateLittleAtInit(t *testing.T) {
	dir, err := linkedBinary()
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command(filepath.Join(dir, "mqtt"), "--version")
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("mqtt --version: %v\n%s", err, out)
	}
	lines := initLine.FindAllStringSubmatch(string(out), -1)
	if len(lines) == 0 {
		t.Fatalf("GODEBUG=inittrace=1 printed no init lines for mqtt's packages:\n%s", out)
	}
	for _, l := range lines {
		n, _ := strconv.Atoi(l[2])
		t.Logf("%s: %d bytes", l[1], n)
		if n > ownInitBudget {
			t.Errorf("%s allocates %d bytes before main, over the budget of %d: build tables that only "+
				"some commands use on first use (sync.OnceValue)", l[1], n, ownInitBudget)
		}
	}
}
