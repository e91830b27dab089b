package gen

import (
	"errors"
	"testing"
)

// Compile reports what is wrong, where, in words for someone who typed a payload.
func TestCompileErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		// Unknown functions, with a column and a suggestion.
		{`Temperature = {{randIntt -20 40}}`, `template -m at column 17: function "randIntt" is not defined; did you mean "randInt"?`},
		{`{{UUID}}`, `template -m at column 3: function "UUID" is not defined; did you mean "uuid"?`},
		{`{{xyzzy}}`, `template -m at column 3: function "xyzzy" is not defined`},
		{`{{json (dikt "a" 1)}}`, `template -m at column 9: function "dikt" is not defined; did you mean "dict"?`},
		{`{{if true}}{{else}}{{nope}}{{end}}`, `template -m at column 22: function "nope" is not defined`},
		{"Küche {{nope}}", `template -m at column 9: function "nope" is not defined`}, // columns count characters
		{"line one\n  {{nope}}", `template -m at line 2, column 5: function "nope" is not defined`},
		// Syntax.
		{`{{randInt 1 2`, `template -m: unclosed action`},
		{`{{if true}}x`, `template -m: unexpected EOF`},
		{"a\n{{end}}", `template -m at line 2: unexpected {{end}}`},
		// What text/template offers but a payload cannot use safely.
		{`{{define "x"}}y{{end}}`, `template -m: {{define}} and {{block}} are not supported`},
		{`a{{template "-m"}}`, `template -m at column 2: {{template}} is not supported`},
		{`{{block "b" .}}x{{end}}`, `template -m: {{define}} and {{block}} are not supported`},
		// Arguments, found by the trial rendering.
		{`{{randInt 40 -20}}`, `template -m at column 3: {{randInt 40 -20}}: MIN 40 is greater than MAX -20`},
		{`{{randInt 1}}`, `template -m at column 3: {{randInt}}: wrong number of args for randInt: want 2 got 1`},
		{`{{randInt "a" 2}}`, `template -m at column 11: {{"a"}}: expected integer; found "a"`},
		{`{{randFloat 2 1}}`, `template -m at column 3: {{randFloat 2 1}}: MIN 2 must be a number not greater than MAX 1`},
		{`{{randFloat 1 2 16}}`, `template -m at column 3: {{randFloat 1 2 16}}: DECIMALS must be from 0 to 15, not 16`},
		{`{{randFloat 1 2 1 1}}`, `template -m at column 3: {{randFloat 1 2 1 1}}: takes at most one DECIMALS, got 2`},
		{`{{randFloat 1.01 1.09 1}}`, `template -m at column 3: {{randFloat 1.01 1.09 1}}: there is no number with 1 decimals from 1.01 to 1.09`},
		{`{{choice}}`, `template -m at column 3: {{choice}}: give at least one value to choose from`},
		{`{{now "a" "b"}}`, `template -m at column 3: {{now "a" "b"}}: takes at most one LAYOUT, got 2 arguments`},
		{`{{env "NOPE"}}`, `template -m at column 3: {{env "NOPE"}}: $NOPE is not set; set it, or give a default: env "NOPE" "value"`},
		{`{{env "A" "b" "c"}}`, `template -m at column 3: {{env "A" "b" "c"}}: takes NAME and at most one DEFAULT, got 3 arguments`},
		{`{{randBytes -1}}`, `template -m at column 3: {{randBytes -1}}: N must be 0 or more, not -1`},
		{`{{randHex 268435455}}`, `template -m at column 3: {{randHex 268435455}}: N 268435455 is too large: a rendering may be at most 268435455 bytes`},
		{`{{randBytes 268435456}}`, `template -m at column 3: {{randBytes 268435456}}: N 268435456 is too large: a rendering may be at most 268435455 bytes`},
		{`{{json (dict "a")}}`, `template -m at column 9: {{dict "a"}}: needs KEY VALUE pairs, got 1 arguments`},
		{`{{json (dict 1 2)}}`, `template -m at column 9: {{dict 1 2}}: key 1 is a int, not a string`},
		{"Küche {{randInt 2 1}}", `template -m at column 9: {{randInt 2 1}}: MIN 2 is greater than MAX 1`},
		{"a\nb {{randInt 2 1}}", `template -m at line 2, column 5: {{randInt 2 1}}: MIN 2 is greater than MAX 1`},
		{`{{.Temperature}}`, `template -m at column 3: {{.Temperature}}: nil data; no entry for key "Temperature"`},
	}
	for _, tt := range tests {
		_, err := Compile("-m", tt.text, testEnv())
		if err == nil {
			t.Errorf("%s: compiled", tt.text)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.text, err, tt.want)
		}
	}
}

func TestHostnameUnknown(t *testing.T) {
	env := testEnv()
	env.Hostname = ""
	_, err := Compile("-t", "sensors/{{hostname}}", env)
	if want := `template -t at column 11: {{hostname}}: the name of this host is unknown`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// A function's complaint stays reachable under the reworded message.
func TestErrorUnwraps(t *testing.T) {
	_, err := Compile("-m", "{{randInt 2 1}}", testEnv())
	var fe *funcError
	if !errors.As(err, &fe) || fe.fn != "randInt" {
		t.Errorf("%v does not unwrap to randInt's error", err)
	}
}
