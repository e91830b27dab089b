package topic

import "testing"

var matchTests = []struct {
	filter, topic string
	want          bool
}{
	{"a", "a", true},
	{"a", "b", false},
	{"a", "a/b", false},
	{"a/b", "a", false},
	{"a/b", "a/b", true},
	{"#", "a", true},
	{"#", "a/b/c", true},
	{"#", "/", true},
	{"#", "", true},
	{"a/#", "a", true},
	{"a/#", "a/", true},
	{"a/#", "a/b/c", true},
	{"a/#", "ab", false},
	{"a/#", "b/a", false},
	{"a/b/#", "a", false},
	{"+", "a", true},
	{"+", "", true},
	{"+", "a/b", false},
	{"+", "/", false},
	{"+/+", "/", true},
	{"a/+", "a/", true},
	{"a/+", "a/b", true},
	{"a/+", "a/b/c", false},
	{"a/+", "a", false},
	{"+/b", "a/b", true},
	{"+/b", "/b", true},
	{"a/+/c", "a//c", true},
	{"a/+/#", "a/b", true},
	{"a/+/#", "a", false},
	{"+/#", "a", true},
	{"/#", "/", true},
	{"/#", "a", false},
	{"a//b", "a//b", true},
	{"a//b", "a/b", false},
	{"#", "$SYS/x", false},
	{"+/x", "$SYS/x", false},
	{"+", "$x", false},
	{"$SYS/#", "$SYS", true},
	{"$SYS/#", "$SYS/broker/uptime", true},
	{"$SYS/+", "$SYS/x", true},
	{"a/$x", "a/$x", true},
	{"a/+", "a/$x", true},
	{"", "", true},
	{"", "a", false},
	{"a/", "a", false},
	{"a/", "a/", true},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchTests {
		if got := Match(tt.filter, tt.topic); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.filter, tt.topic, got, tt.want)
		}
		if got := refMatch(tt.filter, tt.topic); got != tt.want {
			t.Errorf("refMatch(%q, %q) = %v, want %v", tt.filter, tt.topic, got, tt.want)
		}
	}
}

func TestMatchAllocatesNothing(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		for _, tt := range matchTests {
			Match(tt.filter, tt.topic)
		}
	})
	if allocs != 0 {
		t.Errorf("Match allocated %v times per run", allocs)
	}
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("sensors/+/temperature/#", "sensors/kitchen/temperature/celsius")
	}
}
