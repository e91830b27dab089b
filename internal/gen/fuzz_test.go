package gen

import (
	"strings"
	"testing"
)

// FuzzCompile: no text makes Compile or Append panic or produce more than the limit, and every
// error speaks about the template by name.
func FuzzCompile(f *testing.F) {
	for _, fd := range Funcs() {
		f.Add(fd.Example)
	}
	for _, s := range []string{
		"plain", "{{", "}}{{", `{{randInt 40 -20}}`, `{{env "NOPE"}}`, `{{randBytes 100000}}`,
		`{{printf "%1000000d" 1}}`, `{{if eq counter 1}}a{{else}}b{{end}}`, `{{with $x := uuid}}{{$x}}{{end}}`,
		`{{template "-m"}}`, `{{define "a"}}{{end}}`, `{{json (dict "a" (list (randFloat 0 1e308 3)))}}`,
		"{{/* comment */}}", `{{- counter -}}`, `{{choice (list)}}`, `{{now "Mon Jan 2"}}`, "Küche {{nope}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		// A {{range}} over a large number with an empty body writes nothing, so the output limit
		// cannot stop it: it terminates, but not within a fuzzing budget.
		if strings.Contains(text, "range") {
			t.Skip()
		}
		env := testEnv()
		env.MaxSize = 1 << 12
		tmpl, err := Compile("-m", text, env)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "template -m") {
				t.Errorf("%q: error %q does not name the template", text, err)
			}
			return
		}
		for n := uint64(1); n <= 3; n++ {
			out, err := tmpl.Append([]byte("x"), n)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "template -m") {
					t.Errorf("%q: error %q does not name the template", text, err)
				}
				if string(out) != "x" {
					t.Errorf("%q: a failed Append changed dst to %q", text, out)
				}
				continue
			}
			if len(out)-1 > env.MaxSize {
				t.Errorf("%q: %d bytes, above the limit %d", text, len(out)-1, env.MaxSize)
			}
			if !strings.Contains(text, "{{") && string(out[1:]) != text {
				t.Errorf("%q: static text rendered as %q", text, out[1:])
			}
		}
	})
}
