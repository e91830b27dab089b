package iostreams

import "testing"

func TestSetColorMode(t *testing.T) {
	type env map[string]string
	cases := []struct {
		mode           string
		outTTY, errTTY bool
		env            env
		out, err       bool
	}{
		// auto: per stream, from the terminal
		{"auto", true, true, env{}, true, true},
		{"auto", false, true, env{}, false, true},
		{"auto", true, false, env{}, true, false},
		{"auto", false, false, env{}, false, false},
		{"auto", true, true, env{"TERM": "xterm-256color"}, true, true},
		// auto: NO_COLOR set to anything non-empty disables; empty counts as unset
		{"auto", true, true, env{"NO_COLOR": "1"}, false, false},
		{"auto", true, true, env{"NO_COLOR": "0"}, false, false},
		{"auto", true, true, env{"NO_COLOR": ""}, true, true},
		{"auto", false, false, env{"NO_COLOR": "1"}, false, false},
		// auto: TERM=dumb disables
		{"auto", true, true, env{"TERM": "dumb"}, false, false},
		{"auto", false, true, env{"TERM": "dumb"}, false, false},
		{"auto", true, true, env{"TERM": "dumb", "NO_COLOR": "1"}, false, false},
		// always: pipes too, and an explicit flag overrides NO_COLOR and TERM=dumb
		{"always", false, false, env{}, true, true},
		{"always", true, true, env{}, true, true},
		{"always", false, false, env{"NO_COLOR": "1"}, true, true},
		{"always", true, true, env{"TERM": "dumb"}, true, true},
		{"always", false, true, env{"NO_COLOR": "1", "TERM": "dumb"}, true, true},
		// never: not even on a terminal
		{"never", true, true, env{}, false, false},
		{"never", false, false, env{}, false, false},
		{"never", true, true, env{"NO_COLOR": "1", "TERM": "dumb"}, false, false},
	}
	for _, c := range cases {
		s := &IOStreams{OutTTY: c.outTTY, ErrTTY: c.errTTY}
		getenv := func(k string) string { return c.env[k] }
		if err := s.SetColorMode(c.mode, getenv); err != nil {
			t.Fatalf("SetColorMode(%q): %v", c.mode, err)
		}
		if s.ColorOut != c.out || s.ColorErr != c.err {
			t.Errorf("SetColorMode(%q) tty out=%v err=%v env=%v: ColorOut=%v ColorErr=%v, want %v %v",
				c.mode, c.outTTY, c.errTTY, c.env, s.ColorOut, s.ColorErr, c.out, c.err)
		}
	}
}

func TestSetColorModeRefuses(t *testing.T) {
	for _, mode := range []string{"", "x", "Auto", "yes", "true"} {
		s := &IOStreams{OutTTY: true, ErrTTY: true, ColorOut: true}
		err := s.SetColorMode(mode, func(string) string { return "" })
		want := `invalid --color "` + mode + `": use auto, always or never`
		if err == nil || err.Error() != want {
			t.Errorf("SetColorMode(%q) = %v, want %s", mode, err, want)
		}
		if !s.ColorOut || s.ColorErr {
			t.Errorf("SetColorMode(%q) changed the fields on error", mode)
		}
	}
}

// Test streams are never coloured until a mode is set: commands run in tests print plain bytes.
func TestTestStreamsArePlain(t *testing.T) {
	s, _, _ := Test("")
	if s.ColorOut || s.ColorErr {
		t.Fatal("Test streams start coloured")
	}
	if err := s.SetColorMode("auto", func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if s.ColorOut || s.ColorErr {
		t.Fatal("auto coloured a buffer")
	}
}
