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
