package topic

import "strings"

// Match reports whether topic matches filter by MQTT's rules: '+' matches exactly one level, which may be
// empty; '#' matches the rest, including the level above it ("a/#" matches "a"); and a filter that
// starts with a wildcard never matches a topic that starts with '$', so "#" does not see "$SYS/...".
// filter should pass ValidateFilter; for one that does not, the answer is defined only as not panicking.
// It allocates nothing, since it runs once per received message for every -T filter.
func Match(filter, topic string) bool {
	if topic != "" && topic[0] == '$' && filter != "" && (filter[0] == '+' || filter[0] == '#') {
		return false
	}
	for {
		f, frest, fmore := strings.Cut(filter, "/")
		if f == "#" {
			return !fmore
		}
		t, trest, tmore := strings.Cut(topic, "/")
		if f != "+" && f != t {
			return false
		}
		switch {
		case !fmore:
			return !tmore
		case !tmore:
			return frest == "#"
		}
		filter, topic = frest, trest
	}
}
