package gen

import (
	"slices"
	"strings"
	"testing"
)

func TestFuncsExamples(t *testing.T) {
	for _, f := range Funcs() {
		got, err := render(f.Example, testEnv(), 3)
		if f.Name == "walk" { // it remembers: message 3 of a run, not a first message numbered 3
			got, err = renderThird(f.Example, testEnv())
		}
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if got != f.Output {
			t.Errorf("%s: %s gives %q, the docs say %q", f.Name, f.Example, got, f.Output)
		}
		if !strings.Contains(f.Example, f.Name) {
			t.Errorf("%s: the example %s does not use it", f.Name, f.Example)
		}
	}
}

// Every function is documented, and every documented function exists.
func TestFuncsComplete(t *testing.T) {
	var documented []string
	for _, f := range Funcs() {
		documented = append(documented, f.Name)
	}
	funcs := newState(testEnv()).funcMap()
	for name := range funcs {
		if !slices.Contains(documented, name) {
			t.Errorf("%s is not in Funcs()", name)
		}
	}
	for _, name := range documented {
		if _, ok := funcs[name]; !ok && !slices.Contains(builtins, name) {
			t.Errorf("Funcs() documents %s, which does not exist", name)
		}
	}
}

// renderThird renders text as messages 1, 2 and 3 of a run and returns message 3: what the help shows.
func renderThird(text string, env Env) (string, error) {
	t, err := Compile("-m", text, env)
	if err != nil {
		return "", err
	}
	var out []byte
	for n := uint64(1); n <= 3; n++ {
		if out, err = t.Append(nil, n); err != nil {
			return "", err
		}
	}
	return string(out), nil
}
