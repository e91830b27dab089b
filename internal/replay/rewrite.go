package replay

import (
	"errors"
	"strings"
)

// TopicMap moves a subtree: a topic whose first levels are Old's levels gets New's levels instead. Old
// matches a topic equal to it or followed by "/" (so "home" maps "home" and "home/kitchen", never
// "homes"); the levels after Old are kept. An empty New removes Old and the "/" after it ("home=" maps
// "home/kitchen" to "kitchen"); a topic equal to Old is then left as it is, since no topic is empty.
type TopicMap struct {
	Old, New string
}

// Rewrite is how a replay moves topics: the first TopicMap that matches, then Prefix.
type Rewrite struct {
	Maps []TopicMap
	// Prefix is put before every topic as levels of its own: "replay" makes "a/b" into "replay/a/b".
	Prefix string
}

// Errors of ParseTopicMap and Rewrite.Check.
var (
	ErrMapSyntax   = errors.New("want OLD=NEW")
	ErrMapEmptyOld = errors.New("OLD is empty")
	ErrWildcard    = errors.New("a topic level may not be '+' or '#' here")
)

// ParseTopicMap reads OLD=NEW, split at the first '='.
func ParseTopicMap(s string) (TopicMap, error) {
	old, new, ok := strings.Cut(s, "=")
	if !ok {
		return TopicMap{}, ErrMapSyntax
	}
	m := TopicMap{Old: old, New: new}
	return m, m.check()
}

func (m TopicMap) check() error {
	if m.Old == "" {
		return ErrMapEmptyOld
	}
	if hasWildcard(m.Old) || hasWildcard(m.New) {
		return ErrWildcard
	}
	return nil
}

// Check reports a map or a prefix that cannot work.
func (r *Rewrite) Check() error { return r.check() }

func (r *Rewrite) check() error {
	if r == nil {
		return nil
	}
	for _, m := range r.Maps {
		if err := m.check(); err != nil {
			return err
		}
	}
	if hasWildcard(r.Prefix) {
		return ErrWildcard
	}
	return nil
}

// Active reports whether Topic changes anything.
func (r *Rewrite) Active() bool { return r != nil && (len(r.Maps) > 0 || r.Prefix != "") }

// Topic returns where a recorded topic is published.
func (r *Rewrite) Topic(t string) string {
	for _, m := range r.Maps {
		if rest, ok := m.apply(t); ok {
			t = rest
			break
		}
	}
	if r.Prefix != "" {
		t = r.Prefix + "/" + t
	}
	return t
}

func (m TopicMap) apply(t string) (string, bool) {
	if !strings.HasPrefix(t, m.Old) {
		return "", false
	}
	rest := t[len(m.Old):]
	switch {
	case rest == "" && m.New != "":
		return m.New, true
	case rest == "" || rest[0] != '/':
		return "", false
	case m.New == "":
		if len(rest) == 1 { // "a/" without "a" would be the empty topic
			return "", false
		}
		return rest[1:], true
	}
	return m.New + rest, true
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "+#") }
