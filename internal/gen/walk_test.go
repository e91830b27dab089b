package gen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// run renders text as messages 1 to n of one run and returns each output.
func run(t *testing.T, text string, env Env, n int) []string {
	t.Helper()
	tmpl, err := Compile("-m", text, env)
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for i := 1; i <= n; i++ {
		out, err := tmpl.Append(nil, uint64(i))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		outs = append(outs, string(out))
	}
	return outs
}

func floats(t *testing.T, outs []string, field int) []float64 {
	t.Helper()
	var fs []float64
	for _, o := range outs {
		f, err := strconv.ParseFloat(strings.Fields(o)[field], 64)
		if err != nil {
			t.Fatalf("%q: %v", o, err)
		}
		fs = append(fs, f)
	}
	return fs
}

// Each value is the one before plus a step of at most STEP, starting at START, with START's and STEP's
// decimals; the steps go both ways and are not all alike.
func TestWalkSteps(t *testing.T) {
	outs := run(t, "{{walk 21.5 0.3}}", testEnv(), 1000)
	if outs[0] != "21.5" {
		t.Errorf("message 1 is %s, want START 21.5 (the trial rendering at Compile must leave no trace)", outs[0])
	}
	vs := floats(t, outs, 0)
	up, down := 0, 0
	for i := 1; i < len(vs); i++ {
		d := vs[i] - vs[i-1]
		if math.Abs(d) > 0.3+1e-9 {
			t.Fatalf("message %d: %v after %v, a step of more than 0.3", i+1, vs[i], vs[i-1])
		}
		if d > 0 {
			up++
		} else if d < 0 {
			down++
		}
		if _, frac, _ := strings.Cut(outs[i], "."); len(frac) > 1 {
			t.Fatalf("message %d: %s has more decimals than 21.5 and 0.3", i+1, outs[i])
		}
	}
	if up < 300 || down < 300 {
		t.Errorf("%d steps up and %d down in 999", up, down)
	}
}

// Each walk in a template goes its own way, and one called again in a range continues where it was.
func TestWalkSites(t *testing.T) {
	outs := run(t, "{{walk 0 1}} {{walk 1000 1}}", testEnv(), 200)
	a, b := floats(t, outs, 0), floats(t, outs, 1)
	if a[0] != 0 || b[0] != 1000 {
		t.Fatalf("first message %q, want each walk at its START", outs[0])
	}
	for i := 1; i < len(a); i++ {
		if math.Abs(a[i]-a[i-1]) > 1 || math.Abs(b[i]-b[i-1]) > 1 {
			t.Fatalf("message %d: %q after %q: a walk followed the other", i+1, outs[i], outs[i-1])
		}
	}
	outs = run(t, "{{range 3}}{{walk 0 1}} {{end}}", testEnv(), 2)
	vs := floats(t, outs, 0)
	if vs[0] != 0 {
		t.Errorf("%q: the first call starts at 0", outs[0])
	}
	all := append(floats(t, outs[:1], 0), floats(t, outs[:1], 1)...)
	all = append(all, floats(t, outs[:1], 2)...)
	all = append(all, floats(t, outs[1:], 0)...)
	for i := 1; i < len(all); i++ {
		if math.Abs(all[i]-all[i-1]) > 1 {
			t.Errorf("%q: call %d jumped from %v to %v", outs, i+1, all[i-1], all[i])
		}
	}
}

func TestWalkBounds(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range floats(t, run(t, "{{walk 0 0.5 -1 1}}", testEnv(), 2000), 0) {
		if v < -1 || v > 1 {
			t.Fatalf("%v outside -1 to 1", v)
		}
		seen[strconv.FormatFloat(v, 'f', -1, 64)] = true
	}
	if !seen["-1"] && !seen["1"] && len(seen) < 10 {
		t.Errorf("a bounded walk stays in a corner: %v", seen)
	}
}

// --seed makes a run repeatable: the same generator gives the same walk.
func TestWalkSeeded(t *testing.T) {
	env := func(seed uint64) Env {
		e := testEnv()
		e.Rand = rand.New(rand.NewPCG(seed, 0))
		return e
	}
	a := strings.Join(run(t, "{{walk 20 2}}", env(7), 50), " ")
	b := strings.Join(run(t, "{{walk 20 2}}", env(7), 50), " ")
	c := strings.Join(run(t, "{{walk 20 2}}", env(8), 50), " ")
	if a != b {
		t.Errorf("one seed, two walks:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("two seeds, one walk: %s", a)
	}
}

// Mistakes are reported at Compile, naming walk as the user wrote it.
func TestWalkErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"{{walk 1}}", "walk"},
		{"{{walk 1 -1}}", "STEP a number from 0"},
		{"{{walk 5 1 0 2}}", "START 5 must be from MIN 0 to MAX 2"},
		{"{{walk 1 1 0}}", "takes START STEP and optionally MIN MAX, got 3 arguments"},
		{`{{walk "a" 1}}`, "expected float"},
	} {
		_, err := Compile("-m", c.text, testEnv())
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "walk_") {
			t.Errorf("%s: %v, want an error with %q, never walk_", c.text, err, c.want)
		}
	}
	// A function a user cannot call by the name walk is bound to.
	if _, err := Compile("-m", "{{walk_1 1 1}}", testEnv()); err == nil {
		t.Error("walk_1 is callable")
	}
}
