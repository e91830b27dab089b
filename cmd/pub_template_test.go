package cmd

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

// A template that renders for hours gives way to SIGINT, while it is compiled (the trial rendering)
// and while a message is rendered, and the run ends with 130 as for any signal. text/template cannot
// be interrupted: without the stop check in every {{range}}, each of these ran until killed.
func TestTemplateGivesWayToASignal(t *testing.T) {
	interrupted := func() context.Context {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(Signalled{syscall.SIGINT})
		return ctx
	}
	streams, _, errOut := iostreams.Test("")
	code := RunWith(interrupted(), []string{"mqtt", "pub", "-p", "1", "-t", "a", "--template", "-m", "{{range 100000000000}}{{end}}"}, streams)
	if code != 130 {
		t.Errorf("compiling: exit %d, stderr %q; want 130", code, errOut)
	}

	// The first message renders at once and is retained, so that the subscriber gets it whenever it
	// subscribes (--repeat-delay sends each at once); the second would render for hours.
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	done := make(chan int)
	go func() {
		streams, _, _ := iostreams.Test("")
		done <- RunWith(ctx, []string{"mqtt", "pub", "-p", port, "-t", "tmpl/stop", "-r", "--repeat", "2", "--repeat-delay", "0.01", "--template",
			"-m", "{{if gt counter 1}}{{range 100000000000}}{{end}}{{end}}first"}, streams)
	}()
	if code, out, errOut := run(t, "mqtt", "sub", "-p", port, "-t", "tmpl/stop", "-C", "1"); code != 0 || out != "first\n" {
		t.Fatalf("sub: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	cancel(Signalled{syscall.SIGINT})
	select {
	case code := <-done:
		if code != 130 {
			t.Errorf("rendering: exit %d, want 130", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("pub did not end within a minute of SIGINT")
	}
}
