package spelling

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"pub", "pub", 0}, {"pubb", "pub", 1},
		{"verison", "version", 1}, {"sbu", "sub", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3},
		{"randintt", "randint", 1}, {"uuid", "uid", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestNearest(t *testing.T) {
	commands := []string{"pub", "sub", "rr", "broker", "profile", "completion", "help"}
	for _, c := range []struct {
		word, want string
		ok         bool
	}{
		{"pubb", "pub", true},
		{"Sub", "sub", true},
		{"brokr", "broker", true},
		{"profiel", "profile", true},
		{"complet", "completion", false}, // three edits
		{"xyz", "", false},
		{"ru", "rr", true},
		{"pu", "pub", true},
	} {
		got, ok := Nearest(c.word, commands)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", c.word, got, ok, c.want, c.ok)
		}
	}
	if got, ok := Nearest("verison", []string{"version", "verbose", "help"}); !ok || got != "version" {
		t.Errorf("Nearest(verison) = %q, %v", got, ok)
	}
}
