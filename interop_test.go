package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"mqtt/internal/testcert"
	"mqtt/internal/testtool"
)

// TestInterop runs testdata/interop/*.txtar against a real mosquitto that each script starts on free
// loopback ports: $MPORT (tcp), $MTLSPORT (TLS, CA in $CAFILE) and $MSOCK (unix socket). The mosquitto
// clients are there as mosquitto_pub and mosquitto_sub. In CI (CI=true) a missing mosquitto fails.
// `broker start ...` runs `mqtt broker` for the mosquitto clients to talk to (see cmdBroker).
func TestInterop(t *testing.T) {
	if _, err := exec.LookPath("mosquitto"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("mosquitto is not installed; CI must run the interop tests (apt-get install mosquitto mosquitto-clients)")
		}
		t.Skip("mosquitto is not installed")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/interop",
		RequireExplicitExec: true,
		Setup:               setupMosquitto,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitlog":   cmdWaitLog,
			"mosquitto": cmdMosquitto,
			"broker":    cmdBroker,
		},
	})
}

// mosquittoConf is written per script (anonymous clients allowed; named users refused). It runs as the user running the tests: started by root, mosquitto
// would otherwise drop to its own user, which cannot write the log or the socket in the test's folders. Retries make `max_queued_messages 0` (unlimited) the default
// here, so tests that count deliveries count what the client did, not what the broker dropped.
const mosquittoConf = `user %[8]s
per_listener_settings false
allow_anonymous true
password_file %[9]s
persistence true
persistence_location %[1]s/
log_dest file %[1]s/mosquitto.log
log_type all
connection_messages true
max_queued_messages 0
listener %[2]d 127.0.0.1
listener %[3]d 127.0.0.1
cafile %[4]s
certfile %[5]s
keyfile %[6]s
listener 0 %[7]s
`

type mosquittoProc struct {
	conf string
	log  string
	proc *testtool.MosquittoProc // nil while it is not running
}

func setupMosquitto(env *testscript.Env) error {
	certs, err := testcert.Generate()
	if err != nil {
		return err
	}
	files, err := certs.Write(env.WorkDir)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mosq")
	if err != nil {
		return err
	}
	sock := filepath.Join(dir, "mosquitto.sock")
	conf := filepath.Join(env.WorkDir, "mosquitto.conf")
	// An empty password file: anonymous clients are let in, any user name is refused, so scripts can
	// see a CONNACK refusal.
	passwd := filepath.Join(env.WorkDir, "passwd")
	if err := os.WriteFile(passwd, nil, 0o600); err != nil {
		return err
	}
	me, err := user.Current()
	if err != nil {
		return err
	}
	p := &mosquittoProc{conf: conf, log: filepath.Join(env.WorkDir, "mosquitto.log")}
	var ports []int
	// The ports are free when freePorts closes them, and another test's process may take one before
	// mosquitto binds it: then mosquitto exits, and fresh ports are tried.
	for attempt := 1; ; attempt++ {
		if ports, err = freePorts(2); err != nil {
			return err
		}
		text := fmt.Sprintf(mosquittoConf, env.WorkDir, ports[0], ports[1], files.CA, files.ServerCert, files.ServerKey, sock, me.Username, passwd)
		// A script that carries a file named acl gets it as mosquitto's acl_file: a broker that refuses
		// publishes (a v5 PUBACK or PUBREC with 0x87) on the topics it does not grant.
		if acl := filepath.Join(env.WorkDir, "acl"); fileExists(acl) {
			text += "acl_file " + acl + "\n"
		}
		// A script that carries a file named mosquitto.extra gets its lines at the end of the
		// configuration, where they override the settings above (max_queued_messages, say).
		if extra, err := os.ReadFile(filepath.Join(env.WorkDir, "mosquitto.extra")); err == nil {
			text += string(extra)
		}
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			return err
		}
		err = p.start()
		var ex *testtool.ExitedError
		if err == nil || !errors.As(err, &ex) || attempt == 5 {
			break
		}
	}
	if err != nil {
		return err
	}
	env.Defer(func() { p.stop(); os.RemoveAll(dir) })
	env.Setenv("MPORT", strconv.Itoa(ports[0]))
	env.Setenv("MTLSPORT", strconv.Itoa(ports[1]))
	env.Setenv("MSOCK", sock)
	env.Setenv("CAFILE", files.CA)
	env.Setenv("CERTFILE", files.ClientCert)
	env.Setenv("KEYFILE", files.ClientKey)
	env.Setenv("SERVERCERT", files.ServerCert)
	env.Setenv("SERVERKEY", files.ServerKey)
	env.Setenv("MLOG", p.log)
	links, err := linkedBinary()
	if err != nil {
		return err
	}
	env.Setenv("LINKS", links)
	env.Values["mosquitto"] = p
	env.Values[brokerProcKey] = new(brokerProc)
	return nil
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

var linked struct {
	once sync.Once
	dir  string
	err  error
}

// linkedBinary builds mqtt once per test run and links it as mosquitto_pub, mosquitto_sub and
// mosquitto_rr in a folder of its own: the link mode is chosen by the program's name, which the
// in-process commands of testscript cannot take.
func linkedBinary() (string, error) {
	linked.once.Do(func() {
		dir, err := os.MkdirTemp("", "mqtt-links")
		if err != nil {
			linked.err = err
			return
		}
		bin := filepath.Join(dir, "mqtt")
		out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
		if err != nil {
			linked.err = fmt.Errorf("building mqtt: %v\n%s", err, out)
			return
		}
		for _, name := range []string{"mosquitto_pub", "mosquitto_sub", "mosquitto_rr"} {
			if err := os.Symlink(bin, filepath.Join(dir, name)); err != nil {
				linked.err = err
				return
			}
		}
		linked.dir = dir
	})
	return linked.dir, linked.err
}

func (p *mosquittoProc) start() (err error) {
	p.proc, err = testtool.StartMosquitto("mosquitto", p.conf, p.log)
	return err
}

func (p *mosquittoProc) stop() {
	if p.proc != nil {
		p.proc.Kill()
		p.proc = nil
	}
}

// freePorts asks the kernel for n free loopback ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// cmdWaitLog waits until a line of mosquitto's log matches REGEX: the broker saying it saw a connection or
// a subscription is the signal a script waits for before it acts. The log is read as it grows, line by
// line, since a streaming test makes it large.
//
//	waitlog REGEX
func cmdWaitLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitlog REGEX [N]")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	want := 1 // the N-th matching line: a restarted broker logs the same lines again
	if len(args) == 2 {
		want, err = strconv.Atoi(args[1])
		ts.Check(err)
	}
	p := ts.Value("mosquitto").(*mosquittoProc)
	f, err := os.Open(p.log)
	ts.Check(err)
	defer f.Close()
	r := bufio.NewReader(f)
	var partial []byte
	deadline := time.Now().Add(20 * time.Second)
	for {
		line, err := r.ReadBytes('\n')
		partial = append(partial, line...)
		if err == nil {
			if re.Match(partial) {
				if want--; want == 0 {
					return
				}
			}
			partial = partial[:0]
			continue
		}
		if time.Now().After(deadline) {
			ts.Fatalf("mosquitto's log had no line matching %q within 20s", args[0])
		}
		time.Sleep(5 * time.Millisecond) // at the end of the log: mosquitto has no other signal
	}
}

// cmdMosquitto controls the script's broker: `mosquitto kill` ends it with SIGKILL, `mosquitto stop` with
// SIGTERM (it saves its sessions), and `mosquitto start` starts it again on the same ports.
func cmdMosquitto(ts *testscript.TestScript, neg bool, args []string) {
	p := ts.Value("mosquitto").(*mosquittoProc)
	switch {
	case neg || len(args) != 1:
	case args[0] == "kill":
		p.stop()
		return
	case args[0] == "stop": // SIGTERM: mosquitto saves its persistent sessions, then exits
		if p.proc != nil {
			ts.Check(p.proc.Stop())
			p.proc = nil
		}
		return
	case args[0] == "start":
		ts.Check(p.start())
		return
	}
	ts.Fatalf("usage: mosquitto kill|stop|start")
}
