package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"mqtt/cmd"
	"mqtt/internal/broker"
	"mqtt/internal/testcert"
	"mqtt/internal/transport"
)

// The scripts run the real command line in-process, so coverage counts.
func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"mqtt": func() int { return cmd.Run(os.Args) },
	}))
}

// TestScripts runs testdata/script/*.txtar, each against a broker of its own with a TCP, WebSocket,
// TLS and unix listener. A script sees their addresses as $PORT, $WSPORT, $TLSPORT, $WSSPORT and $SOCK,
// and the CA that signs the TLS certificate as $CAFILE (client pair: $CERTFILE, $KEYFILE). $TLSWRONGPORT
// presents a certificate for another host name, $TLSEXPIREDPORT one that has expired, and
// $TLSMUTUALPORT requires a client certificate signed by the CA; $OTHERCA is a CA that signed nothing
// the broker shows. $SILENTPORT accepts connections and never answers. `broker start ...` runs
// `mqtt broker` as a process of its own (see cmdBroker); $SERVERCERT and $SERVERKEY are a certificate
// for it.
func TestScripts(t *testing.T) {
	// Some scripts use these when present ([exec:jq]); CI must have them so that nothing is skipped there.
	if os.Getenv("CI") == "true" {
		for _, tool := range []string{"jq", "script", "tmux"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is not installed; CI must run every script (see .ci/run)", tool)
			}
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup:               setupBroker,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitsub":  cmdWaitSub,
			"broker":   cmdBroker,
			"waitfile": cmdWaitFile,
		},
	})
}

type scriptBroker struct{ *broker.Broker }

func setupBroker(env *testscript.Env) error {
	certs, err := testcert.Generate()
	if err != nil {
		return err
	}
	files, err := certs.Write(env.WorkDir)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mqtt-sock")
	if err != nil {
		return err
	}
	sock := filepath.Join(dir, "broker.sock")
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{
		{Scheme: transport.TCP, Addr: "127.0.0.1:0"},
		{Scheme: transport.WS, Addr: "127.0.0.1:0"},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: certs.ServerConfig()},
		{Scheme: transport.WSS, Addr: "127.0.0.1:0", TLS: certs.ServerConfig()},
		{Scheme: transport.Unix, Addr: sock},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: &tls.Config{Certificates: []tls.Certificate{certs.WrongName.TLS()}}},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: &tls.Config{Certificates: []tls.Certificate{certs.Expired.TLS()}}},
		{Scheme: transport.TLS, Addr: "127.0.0.1:0", TLS: certs.MutualServerConfig()},
	}})
	if err != nil {
		return err
	}
	env.Defer(func() { b.Close(); os.RemoveAll(dir) })
	for i, name := range []string{"PORT", "WSPORT", "TLSPORT", "WSSPORT"} {
		_, port, _ := splitPort(b.Addr(i))
		env.Setenv(name, port)
	}
	for i, name := range map[int]string{5: "TLSWRONGPORT", 6: "TLSEXPIREDPORT", 7: "TLSMUTUALPORT"} {
		_, port, _ := splitPort(b.Addr(i))
		env.Setenv(name, port)
	}
	env.Setenv("SOCK", sock)
	env.Setenv("OTHERCA", files.OtherCA)
	env.Setenv("CAFILE", files.CA)
	env.Setenv("CERTFILE", files.ClientCert)
	env.Setenv("KEYFILE", files.ClientKey)
	env.Setenv("SERVERCERT", files.ServerCert)
	env.Setenv("SERVERKEY", files.ServerKey)
	env.Values["broker"] = scriptBroker{b}
	env.Values[brokerProcKey] = new(brokerProc)
	silent, err := silentListener()
	if err != nil {
		return err
	}
	env.Defer(func() { silent.Close() })
	_, sp, _ := splitPort(silent.Addr().String())
	env.Setenv("SILENTPORT", sp)
	return nil
}

// silentListener accepts connections and never says a word: a port that is not MQTT, or a stalled broker.
func silentListener() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	return l, nil
}

func splitPort(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return addr, "", fmt.Errorf("no port in %q", addr)
}

// cmdWaitSub waits until at least N (default 1) clients have a subscription matching TOPIC, so that a
// script can start a subscriber in the background and publish only once it listens.
//
//	waitsub TOPIC [N]
func cmdWaitSub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitsub TOPIC [N]")
	}
	want := 1
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		want = n
	}
	b := ts.Value("broker").(scriptBroker)
	deadline := time.Now().Add(10 * time.Second)
	for {
		subs := b.Server().Topics.Subscribers(args[0])
		if len(subs.Subscriptions) >= want {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no %d subscribers for %s after 10s", want, args[0])
		}
		time.Sleep(5 * time.Millisecond) // polling the broker's state: there is no event to wait on
	}
}
