package broker

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// ACL is a mosquitto acl_file: who may read and write which topics. It answers as mosquitto 2.0's
// default security does with the same file (src/security_default.c), so a file moves between the
// two brokers unchanged:
//
//   - "topic [read|write|readwrite|deny] FILTER" lines before the first "user NAME" line are the
//     rules of clients that log in with no user name; after it, of that user (a name may come back
//     later in the file, adding to its rules). With no access word, the rule is readwrite.
//   - "pattern [read|write|readwrite|deny] FILTER" lines apply to every client, wherever they are
//     in the file, with %c replaced by the client identifier and %u by the user name (a pattern
//     with %u does not apply to a client without one).
//   - A client's own rules are tried first, then the patterns, each list with its deny rules
//     first and then in the order of the file; the first rule whose filter matches decides, and a
//     request no rule allows is denied.
//   - Topics starting with $ match only filters starting with $; no client may publish to $SYS
//     or $share.
//   - Patterns deny everything to a client whose identifier or user name holds + or #, which
//     could otherwise match other clients' topics.
type ACL struct {
	anonymous *aclRules
	users     map[string]*aclRules
	patterns  aclRules
}

type perm byte

const (
	accessRead  perm = 1
	accessWrite perm = 2
	accessDeny  perm = 0
)

type aclRule struct {
	filter string
	access perm
}

// aclRules keeps deny rules ahead of the others, as mosquitto's list does.
type aclRules struct {
	deny, allow []aclRule
}

func (r *aclRules) add(rule aclRule) {
	if rule.access == accessDeny {
		// mosquitto puts each deny rule at the front of the list: the last one read comes first.
		r.deny = append([]aclRule{rule}, r.deny...)
		return
	}
	r.allow = append(r.allow, rule)
}

// LoadACL reads an acl_file.
func LoadACL(path string) (*ACL, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := ReadACL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadACL reads an acl_file from r. A line mosquitto would refuse is an error naming it.
func ReadACL(r io.Reader) (*ACL, error) {
	a := &ACL{users: map[string]*aclRules{}}
	var current *aclRules // nil: the anonymous rules, before any user line
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r\n\v\f")
		if strings.HasPrefix(line, "#") {
			continue
		}
		keyword, rest, _ := strings.Cut(strings.TrimLeft(line, " "), " ")
		switch keyword {
		case "":
			continue
		case "user":
			name := strings.Trim(rest, " \t")
			if name == "" {
				return nil, fmt.Errorf("line %d: missing user name", n)
			}
			if a.users[name] == nil {
				a.users[name] = new(aclRules)
			}
			current = a.users[name]
		case "topic", "pattern":
			rule, err := parseACLRule(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			switch {
			case keyword == "pattern":
				a.patterns.add(rule)
			case current == nil:
				if a.anonymous == nil {
					a.anonymous = new(aclRules)
				}
				a.anonymous.add(rule)
			default:
				current.add(rule)
			}
		default:
			return nil, fmt.Errorf("line %d: %q is not a topic, pattern or user line", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// parseACLRule reads what follows "topic" or "pattern": an access word and a filter, or a
// filter alone. As in mosquitto, words are split at spaces and the filter is the rest of the
// line, so it may hold spaces once an access word comes first.
func parseACLRule(s string) (aclRule, error) {
	s = strings.TrimLeft(s, " ")
	word, filter, ok := strings.Cut(s, " ")
	if filter = strings.Trim(filter, " \t"); !ok || filter == "" {
		if word == "" {
			return aclRule{}, fmt.Errorf("empty topic")
		}
		word, filter = "readwrite", word
	}
	var rule aclRule
	switch word {
	case "read":
		rule.access = accessRead
	case "write":
		rule.access = accessWrite
	case "readwrite":
		rule.access = accessRead | accessWrite
	case "deny":
		rule.access = accessDeny
	default:
		return aclRule{}, fmt.Errorf("invalid access %q: use read, write, readwrite or deny", word)
	}
	if !validFilter(filter) {
		return aclRule{}, fmt.Errorf("invalid topic filter %q", filter)
	}
	rule.filter = filter
	return rule, nil
}

// Client is who asks: the identifier and, when one was given, the user name it logged in with.
type aclClient struct {
	id       string
	username string
	hasUser  bool
}

// allowed reports whether c may read (write false) or publish to (write true) topic.
func (a *ACL) allowed(c aclClient, topic string, write bool) bool {
	want := accessRead
	if write {
		want = accessWrite
		if topic == "$SYS" || strings.HasPrefix(topic, "$SYS/") || strings.HasPrefix(topic, "$share/") {
			return false
		}
	}
	own := a.anonymous
	if c.hasUser {
		own = a.users[c.username]
	}
	if own != nil {
		if d, ok := own.decide(topic, want, nil); ok {
			return d
		}
	}
	if len(a.patterns.deny)+len(a.patterns.allow) == 0 {
		return false
	}
	if strings.ContainsAny(c.id, "+#") || (c.hasUser && strings.ContainsAny(c.username, "+#")) {
		return false
	}
	d, _ := a.patterns.decide(topic, want, &c)
	return d
}

// decide applies the first matching rule; ok is false when none matches. With c set, the
// filters are patterns to fill in with c's identifier and user name.
func (r *aclRules) decide(topic string, want perm, c *aclClient) (allowed, ok bool) {
	for _, list := range [][]aclRule{r.deny, r.allow} {
		for _, rule := range list {
			filter := rule.filter
			if c != nil {
				if strings.Contains(filter, "%u") {
					if !c.hasUser {
						continue
					}
					filter = strings.ReplaceAll(filter, "%u", c.username)
				}
				filter = strings.ReplaceAll(filter, "%c", c.id)
			}
			if !topicMatches(filter, topic) {
				continue
			}
			if rule.access == accessDeny {
				return false, true
			}
			if rule.access&want != 0 {
				return true, true
			}
		}
	}
	return false, false
}

// topicMatches reports whether topic matches filter as MQTT defines it (4.7), with mosquitto's
// rule that a topic starting with $ matches only a filter starting with $.
func topicMatches(filter, topic string) bool {
	if filter == "" || topic == "" || (filter[0] == '$') != (topic[0] == '$') {
		return false
	}
	for {
		f, fRest, fMore := strings.Cut(filter, "/")
		if f == "#" {
			return true
		}
		t, tRest, tMore := strings.Cut(topic, "/")
		if f != "+" && f != t {
			return false
		}
		switch {
		case !fMore && !tMore:
			return true
		case !tMore:
			return fRest == "#" // "a/#" matches "a"
		case !fMore:
			return false
		}
		filter, topic = fRest, tRest
	}
}

// validFilter reports whether s is a topic filter: + and # only as whole levels, # last.
func validFilter(s string) bool {
	if s == "" {
		return false
	}
	levels := strings.Split(s, "/")
	for i, l := range levels {
		if strings.ContainsAny(l, "+#") && len(l) > 1 {
			return false
		}
		if l == "#" && i != len(levels)-1 {
			return false
		}
	}
	return true
}

// validTopic reports whether s is a topic name a client may publish to: no wildcards, no NUL,
// UTF-8, at most 65,535 bytes.
func validTopic(s string) bool {
	return s != "" && len(s) <= 65535 && utf8.ValidString(s) && !strings.ContainsAny(s, "+#\x00")
}
