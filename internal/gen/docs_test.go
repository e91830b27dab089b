package gen

import (
	"slices"
	"strings"
	"testing"
)

func TestFuncsExamples(t *testing.T) {
	for _, f := range Funcs() {
		got, err := render(f.Example, testEnv(), 3)
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
