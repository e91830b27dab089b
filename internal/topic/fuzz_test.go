package topic

import (
	"errors"
	"strings"
	"testing"
)

// refMatch is MQTT matching written the obvious way, level lists side by side, as an oracle for Match.
func refMatch(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	f := strings.Split(filter, "/")
	t := strings.Split(topic, "/")
	for i, level := range f {
		if level == "#" {
			return true
		}
		if i >= len(t) || (level != "+" && level != t[i]) {
			return false
		}
	}
	return len(f) == len(t)
}

// refSubTopicCheck is mosquitto_sub_topic_check (lib/util_topic.c) transcribed.
func refSubTopicCheck(s string) bool {
	var prev byte
	for i := 0; i < len(s); i++ {
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch s[i] {
		case '+':
			if (prev != 0 && prev != '/') || (next != 0 && next != '/') {
				return false
			}
		case '#':
			if (prev != 0 && prev != '/') || next != 0 {
				return false
			}
		}
		prev = s[i]
	}
	return len(s) <= MaxLen
}

func addSeeds(f *testing.F) {
	for _, tt := range matchTests {
		f.Add(tt.filter, tt.topic)
	}
	f.Add("a/#/b", "a/x/b")
	f.Add("+a", "ab")
	f.Add("a/\xff", "a/\xff")
}

func FuzzValidateFilter(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, filter, _ string) {
		err := ValidateFilter(filter)
		// A filter that is not a NUL-free C string cannot reach mosquitto; its UTF-8 check refuses NUL.
		wantUTF8 := len(filter) <= MaxLen+1 && mosquittoValidateUTF8(filter)
		switch {
		case !wantUTF8:
			if !errors.Is(err, ErrMalformedUTF8) {
				t.Fatalf("ValidateFilter(%q) = %v, want ErrMalformedUTF8", filter, err)
			}
		case !refSubTopicCheck(filter):
			if err == nil || errors.Is(err, ErrMalformedUTF8) || errors.Is(err, ErrEmpty) {
				t.Fatalf("ValidateFilter(%q) = %v, want a wildcard or length error", filter, err)
			}
		case filter == "":
			if err != ErrEmpty {
				t.Fatalf("ValidateFilter(\"\") = %v", err)
			}
		case err != nil:
			t.Fatalf("ValidateFilter(%q) = %v, mosquitto accepts it", filter, err)
		}
		if err == nil && ValidatePublish(filter) == nil && !Match(filter, filter) {
			t.Fatalf("a topic without wildcards does not match itself: %q", filter)
		}
	})
}

func FuzzMatch(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, filter, topic string) {
		got := Match(filter, topic) // must not panic, whatever the input
		if ValidateFilter(filter) != nil || strings.ContainsAny(topic, "+#") {
			return
		}
		if want := refMatch(filter, topic); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", filter, topic, got, want)
		}
	})
}

// FuzzValidatePublish: ValidatePublish agrees with mosquitto's checks, in mosquitto's order, and a topic
// it accepts is a filter that matches itself, is matched by '#' and by '+' in each level (unless it
// starts with '$'), and by itself followed by "/#". FirstInvalid finds the first character ValidUTF8
// refuses.
func FuzzValidatePublish(f *testing.F) {
	addSeeds(f)
	f.Add("$SYS/x", "")
	f.Add("a//b/", "")
	f.Fuzz(func(t *testing.T, topic, _ string) {
		err := ValidatePublish(topic)
		switch {
		case len(topic) > MaxLen+1 || !mosquittoValidateUTF8(topic):
			if !errors.Is(err, ErrMalformedUTF8) {
				t.Fatalf("ValidatePublish(%q) = %v, want ErrMalformedUTF8", topic, err)
			}
		case strings.ContainsAny(topic, "+#"):
			if err != ErrWildcard {
				t.Fatalf("ValidatePublish(%q) = %v, want ErrWildcard", topic, err)
			}
		case len(topic) > MaxLen:
			if err != ErrTooLong {
				t.Fatalf("ValidatePublish(%q) = %v, want ErrTooLong", topic, err)
			}
		case topic == "":
			if err != ErrEmpty {
				t.Fatalf("ValidatePublish(\"\") = %v", err)
			}
		case err != nil:
			t.Fatalf("ValidatePublish(%q) = %v, mosquitto accepts it", topic, err)
		}

		at, _, bad := FirstInvalid(topic)
		if bad == ValidUTF8(topic) || bad && (at >= len(topic) || !ValidUTF8(topic[:at])) {
			t.Fatalf("FirstInvalid(%q) = %d, %v; ValidUTF8 says %v", topic, at, bad, ValidUTF8(topic))
		}

		if err != nil {
			return
		}
		if ValidateFilter(topic) != nil || !Match(topic, topic) {
			t.Fatalf("%q is not a filter that matches itself", topic)
		}
		levels := strings.Split(topic, "/")
		for i := range levels {
			levels[i] = "+"
		}
		plus := strings.Join(levels, "/")
		system := topic[0] == '$'
		if Match("#", topic) == system || Match(plus, topic) == system {
			t.Fatalf("# or %s matching %q: want %v", plus, topic, !system)
		}
		if !Match(topic+"/#", topic) || !Match(topic+"/#", topic+"/x") || Match(topic, topic+"/x") {
			t.Fatalf("%q/# does not match %q and below, or %q matches a level below", topic, topic, topic)
		}
	})
}
