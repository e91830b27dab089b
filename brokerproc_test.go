package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// brokerProcKey holds a script's *brokerProc in env.Values.
const brokerProcKey = "brokerproc"

// brokerVars are the variables `broker start` sets from the "listening on" lines, for the first
// listener of each scheme.
var brokerVars = map[string]string{"tcp": "BPORT", "ws": "BWSPORT", "tls": "BTLSPORT", "wss": "BWSSPORT", "unix": "BSOCK"}

// brokerProc is `mqtt broker` running as a process of its own, as a user runs it: started, then
// stopped by a signal.
type brokerProc struct {
	cmd *exec.Cmd
	// stderr collects the broker's stderr, line by line, for `broker wait`; logDone is closed once
	// all of it is read.
	mu      sync.Mutex
	changed *sync.Cond
	lines   []string
	ended   bool
	logDone chan struct{}
}

// cmdBroker runs `mqtt broker` in the background.
//
//	broker start ARGS...  start `mqtt broker ARGS` (ARGS with one --listen or more, port 0), wait until
//	                      it prints "listening on URL" for each, and set $BPORT, $BWSPORT, $BTLSPORT,
//	                      $BWSSPORT or $BSOCK from them
//	broker wait REGEX     wait until a line of its stderr matches REGEX (with -v, a client's connect,
//	                      subscription, ...)
//	broker stop           send SIGTERM: it must exit 0; its stderr is then in $WORK/broker.log
//	broker kill           send SIGKILL, as a crash or kill -9 would; its stderr is then in $WORK/broker.log
func cmdBroker(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: broker start ARGS... | broker wait REGEX | broker stop | broker kill")
	}
	p := ts.Value(brokerProcKey).(*brokerProc)
	switch {
	case args[0] == "start":
		p.start(ts, args[1:])
	case args[0] == "wait" && len(args) == 2:
		re, err := regexp.Compile(args[1])
		ts.Check(err)
		if !p.wait(func(lines []string) bool { return slices.ContainsFunc(lines, re.MatchString) }) {
			ts.Fatalf("the broker printed no line matching %q within 10s:\n%s", args[1], p.log())
		}
	case args[0] == "stop" && len(args) == 1:
		p.stop(ts)
	case args[0] == "kill" && len(args) == 1:
		if p.cmd == nil {
			ts.Fatalf("broker kill: no broker is running")
		}
		p.end(syscall.SIGKILL)
		ts.Check(os.WriteFile(ts.MkAbs("broker.log"), []byte(p.log()+"\n"), 0o644))
	default:
		ts.Fatalf("usage: broker start ARGS... | broker wait REGEX | broker stop | broker kill")
	}
}

func (p *brokerProc) start(ts *testscript.TestScript, args []string) {
	if p.cmd != nil {
		ts.Fatalf("broker start: a broker is running already; broker stop first")
	}
	want := 0
	for _, a := range args {
		if a == "--listen" || strings.HasPrefix(a, "--listen=") {
			want++
		}
	}
	if want == 0 {
		ts.Fatalf("broker start: give --listen with port 0; the default port may be taken")
	}
	// The test binary is `mqtt` on PATH (testscript.RunMain), so coverage counts here too.
	cmd := exec.Command("mqtt", append([]string{"broker"}, args...)...)
	cmd.Dir = ts.Getenv("WORK")
	stderr, err := cmd.StderrPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	p.cmd, p.lines, p.ended, p.logDone = cmd, nil, false, make(chan struct{})
	p.changed = sync.NewCond(&p.mu)
	ts.Defer(func() { p.end(syscall.SIGKILL) })
	go func() {
		defer close(p.logDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.changed.Broadcast()
			p.mu.Unlock()
		}
		p.mu.Lock()
		p.ended = true
		p.changed.Broadcast()
		p.mu.Unlock()
	}()

	var urls []string
	listening := func(lines []string) bool {
		urls = urls[:0]
		for _, l := range lines {
			if u, ok := strings.CutPrefix(l, "listening on "); ok {
				urls = append(urls, u)
			}
		}
		return len(urls) >= want
	}
	if !p.wait(listening) {
		ts.Fatalf("broker start: not listening within 10s:\n%s", p.log())
	}
	set := map[string]bool{}
	for _, u := range urls {
		scheme, addr, _ := strings.Cut(u, "://")
		name := brokerVars[scheme]
		if name == "" || set[name] {
			continue
		}
		set[name] = true
		if scheme == "unix" {
			ts.Setenv(name, addr)
			continue
		}
		_, port, err := net.SplitHostPort(addr)
		ts.Check(err)
		ts.Setenv(name, port)
	}
}

// wait reports whether done becomes true of the lines printed so far within 10s; it gives up early
// when the broker's stderr ends.
func (p *brokerProc) wait(done func([]string) bool) bool {
	if p.cmd == nil {
		return false
	}
	expired := false
	timeout := time.AfterFunc(10*time.Second, func() {
		p.mu.Lock()
		expired = true
		p.changed.Broadcast()
		p.mu.Unlock()
	})
	defer timeout.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if done(p.lines) {
			return true
		}
		if p.ended || expired {
			return false
		}
		p.changed.Wait()
	}
}

func (p *brokerProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

func (p *brokerProc) stop(ts *testscript.TestScript) {
	if p.cmd == nil {
		ts.Fatalf("broker stop: no broker is running")
	}
	err := p.end(syscall.SIGTERM)
	ts.Check(os.WriteFile(ts.MkAbs("broker.log"), []byte(p.log()+"\n"), 0o644))
	if err != nil {
		ts.Fatalf("broker stop: %v\n%s", err, p.log())
	}
}

// end signals the broker and waits for it and for the end of its stderr.
func (p *brokerProc) end(sig syscall.Signal) error {
	if p.cmd == nil {
		return nil
	}
	p.cmd.Process.Signal(sig)
	<-p.logDone
	err := p.cmd.Wait()
	p.cmd = nil
	return err
}
