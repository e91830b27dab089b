package broker

import (
	"strings"
	"testing"
)

func TestTopicMatches(t *testing.T) {
	for _, c := range []struct {
		filter, topic string
		want          bool
	}{
		{"a/b", "a/b", true},
		{"a/b", "a/c", false},
		{"a/+", "a/b", true},
		{"a/+", "a/b/c", false},
		{"a/#", "a", true},
		{"a/#", "a/b/c", true},
		{"+/#", "a", true},
		{"#", "a/b", true},
		{"#", "$SYS/x", false},
		{"+/x", "$SYS/x", false},
		{"$SYS/#", "$SYS/broker/uptime", true},
		{"a/+/c", "a//c", true},
		{"a/b", "a/b/", false},
		{"", "a", false},
	} {
		if got := topicMatches(c.filter, c.topic); got != c.want {
			t.Errorf("topicMatches(%q, %q) = %v, want %v", c.filter, c.topic, got, c.want)
		}
	}
}

const aclFile = `# anonymous clients
topic read public/#
topic deny public/secret

user alice
topic readwrite home/#
topic write cmd/+
topic deny home/safe

user bob
topic home/kitchen

pattern write clients/%c/out
pattern read users/%u/#
pattern deny users/%u/private
`

func TestACL(t *testing.T) {
	acl, err := ReadACL(strings.NewReader(aclFile))
	if err != nil {
		t.Fatal(err)
	}
	anon := aclClient{id: "anon"}
	alice := aclClient{id: "a1", username: "alice", hasUser: true}
	bob := aclClient{id: "b1", username: "bob", hasUser: true}
	eve := aclClient{id: "e+", username: "eve", hasUser: true}
	for _, c := range []struct {
		who   aclClient
		topic string
		write bool
		want  bool
	}{
		{anon, "public/news", false, true},
		{anon, "public/news", true, false},
		{anon, "public/secret", false, false}, // deny comes first, wherever it is
		{anon, "home/kitchen", false, false},
		{anon, "clients/anon/out", true, true}, // %c applies without a user name
		{anon, "users//x", false, false},       // %u does not
		{alice, "home/kitchen", true, true},
		{alice, "home/safe", false, false},
		{alice, "cmd/lights", true, true},
		{alice, "cmd/lights", false, false},
		{alice, "public/news", false, false}, // anonymous rules are not a user's
		{alice, "users/alice/inbox", false, true},
		{alice, "users/alice/private", false, false},
		{alice, "users/bob/inbox", false, false},
		{bob, "home/kitchen", true, true},
		{bob, "home/hall", false, false},
		{eve, "clients/e+/out", true, false}, // a wildcard in the client id voids the patterns
		{alice, "$SYS/broker/uptime", true, false},
	} {
		if got := acl.allowed(c.who, c.topic, c.write); got != c.want {
			t.Errorf("%+v write=%v %q: got %v, want %v", c.who, c.write, c.topic, got, c.want)
		}
	}
}

func TestReadACLErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"topic bogus a/b", `line 1: invalid access "bogus"`},
		{"topic read a/#/b", `line 1: invalid topic filter "a/#/b"`},
		{"\nuser", "line 2: missing user name"},
		{"listener 1883", `line 1: "listener 1883" is not a topic, pattern or user line`},
		{"topic", "line 1: empty topic"},
	} {
		_, err := ReadACL(strings.NewReader(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.file, err, c.want)
		}
	}
}
