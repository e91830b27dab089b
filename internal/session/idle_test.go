package session_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"mqtt/internal/session"
	"mqtt/internal/testtool"
	"mqtt/internal/transport"
)

// idleBudget is what one connected, subscribed, idle session may cost in Go heap and goroutine stacks,
// the libraries' included: 10,000 bench clients in 640 MiB.
const idleBudget = 64 << 10

// TestIdleSessionMemory connects SESSION_MEM_N (100 unless set) sessions to a real mosquitto (its own, or
// the one on 127.0.0.1:SESSION_MEM_PORT), each subscribed and then idle, and holds what each costs to
// idleBudget, on MQTT 3.1.1 and on 5. The figure is in the log (go test -v). scripts/session-mem.sh runs
// it with 10,000 sessions and reads the process's RSS from outside: SESSION_MEM_GATE names a FIFO from
// which the test reads a line before it connects and another once the sessions are up, so that the
// reader knows when to look.
func TestIdleSessionMemory(t *testing.T) {
	n := 100
	if s := os.Getenv("SESSION_MEM_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("SESSION_MEM_N=%q: want a number of sessions", s)
		}
	}
	port := 0
	if s := os.Getenv("SESSION_MEM_PORT"); s != "" {
		port, _ = strconv.Atoi(s) // a broker the caller started, on 127.0.0.1
	} else {
		port = testtool.Mosquitto(t, "")
	}
	gate := openGate(t)
	for _, c := range []struct {
		name    string
		version byte
	}{{"3.1.1", session.V311}, {"5", session.V5}} {
		t.Run(c.name, func(t *testing.T) {
			heap, stacks, goroutines := idleCost(t, gate, c.version, port, n)
			t.Logf("%d idle sessions on MQTT %s: %.1f KiB heap + %.1f KiB stacks = %.1f KiB each, %.1f goroutines each",
				n, c.name, heap/1024, stacks/1024, (heap+stacks)/1024, goroutines)
			if heap+stacks > idleBudget {
				t.Errorf("an idle session costs %.1f KiB, more than %d KiB", (heap+stacks)/1024, idleBudget>>10)
			}
		})
	}
}

// idleCost connects n sessions, subscribes each, and returns the heap, stack and goroutines each costs
// while they are idle.
func idleCost(t *testing.T, gate func(string), v byte, port, n int) (heap, stacks, goroutines float64) {
	before, g0 := settled()
	gate(fmt.Sprintf("baseline %d", v))
	sessions := make([]session.Session, 0, n)
	defer func() {
		for _, s := range sessions {
			_ = s.Disconnect(session.Bounded(t), nil)
		}
	}()
	for i := range n {
		// A context per session, gone once it is up: one the test kept would be counted as the session's.
		ctx, cancel := context.WithTimeout(context.Background(), session.FailAfter)
		s, err := session.Connect(ctx, session.Options{
			Version: v, Dial: transport.Dialer{Scheme: transport.TCP, Host: "127.0.0.1", Port: port},
			ClientID: fmt.Sprintf("idle-%d-%d", v, i), CleanSession: true, KeepAlive: 60 * time.Second,
		})
		if err != nil {
			cancel()
			t.Fatalf("session %d of %d: %v (thousands of sessions need `ulimit -n` raised, for mosquitto too)", i+1, n, err)
		}
		sessions = append(sessions, s)
		_, err = s.Subscribe(ctx, []session.Subscription{{Filter: fmt.Sprintf("idle/%d", i), QoS: 1}}, nil)
		cancel()
		if err != nil {
			t.Fatalf("subscribing session %d: %v", i+1, err)
		}
	}
	after, g1 := settled()
	writeProfiles(t, v)
	gate(fmt.Sprintf("holding %d %d", v, n))
	heap = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	stacks = float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
	return heap, stacks, float64(g1-g0) / float64(n)
}

// settled collects garbage (twice: the first moves sync.Pool's buffers aside, the second frees them) and
// reads what is left.
func settled() (runtime.MemStats, int) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m, runtime.NumGoroutine()
}

// writeProfiles writes the heap and goroutine profiles of the sessions held into SESSION_MEM_PROFILES,
// a directory, when it is set: what they are made of (run with -test.memprofilerate=1).
func writeProfiles(t *testing.T, v byte) {
	dir := os.Getenv("SESSION_MEM_PROFILES")
	if dir == "" {
		return
	}
	for _, name := range []string{"heap", "goroutine"} {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", name, v)))
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// openGate returns the function that says where the test is (on stderr) and waits for a line from
// SESSION_MEM_GATE; without it, one that does nothing.
func openGate(t *testing.T) func(string) {
	path := os.Getenv("SESSION_MEM_GATE")
	if path == "" {
		return func(string) {}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r := bufio.NewReader(f)
	return func(where string) {
		fmt.Fprintf(os.Stderr, "session-mem: %s pid %d\n", where, os.Getpid())
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
	}
}
