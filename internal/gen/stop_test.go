package gen

import (
	"errors"
	"testing"
	"time"
)

// A rendering gives way to Stop inside a range that would run for hours, and a range in a range, in
// an if and in a with; without Stop the same templates render as before.
func TestStopEndsARange(t *testing.T) {
	texts := []string{
		"{{range 100000000000}}{{end}}",
		"{{range 100000}}{{range 100000000}}{{end}}{{end}}",
		"{{if true}}{{range 100000000000}}{{end}}{{end}}",
		"{{with 1}}{{range $i := 100000000000}}{{end}}{{end}}",
	}
	for _, text := range texts {
		stop := make(chan struct{})
		env := testEnv()
		env.Stop = stop
		time.AfterFunc(10*time.Millisecond, func() { close(stop) })
		// The trial rendering in Compile is where it runs first.
		if _, err := Compile("-m", text, env); !errors.Is(err, ErrStopped) {
			t.Errorf("%s: Compile gave %v, want ErrStopped", text, err)
		}
	}
	env := testEnv()
	env.Stop = make(chan struct{})
	tmpl, err := Compile("-m", "{{range 3}}x{{end}}{{range $i, $v := list 1 2}}{{$v}}{{else}}none{{end}}", env)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tmpl.Append(nil, 1); err != nil || string(out) != "xxx12" {
		t.Errorf("with an open Stop: %q, %v", out, err)
	}
	if _, err := Compile("-m", "{{__stop}}", env); err == nil {
		t.Error("a template may call the stop check by name")
	}
}
