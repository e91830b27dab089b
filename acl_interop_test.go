package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"
)

// The ACL table runs the same clients, with the same acl_file and password file, against
// `mosquitto -c` and against `mqtt broker --acl-file`: each row must come out the same on both, and
// as written.
const interopACL = `# Clients with no user name.
topic read public/#
topic write public/anon
topic deny public/secret
topic read sentinel/#

user admin
topic readwrite #
topic read $SYS/#
topic write $SYS/admin

user alice
topic readwrite home/#
topic deny home/safe
topic write cmd/+
topic read retained/#
topic read sentinel/#

user bob
topic read home/kitchen
topic write home/will
topic read sentinel/#

user carol
topic read sentinel/#

pattern readwrite clients/%c/#
pattern read users/%u/#
pattern deny users/%u/private
`

// aclRow is one client doing one thing. pub: publish topic (observed by an admin subscribed to #);
// pubretained: publish topic retained, then see whether a new subscriber gets it; sub: subscribe
// to topic, then the admin publishes each of deliver; will: connect with a will on topic and drop
// the connection.
type aclRow struct {
	name     string
	user, id string
	version  byte
	op       string
	topic    string
	qos      byte
	deliver  []string
	want     string
}

var aclRows = []aclRow{
	{name: "anonymous may write where allowed", id: "anon1", version: 4, op: "pub", topic: "public/anon", want: "sent; seen [public/anon]"},
	{name: "anonymous QoS 0 denied is dropped", id: "anon2", version: 4, op: "pub", topic: "public/news", want: "sent; seen []"},
	{name: "3.1.1 QoS 1 denied is acknowledged and dropped", id: "anon3", version: 4, op: "pub", topic: "public/news", qos: 1, want: "puback 0x00; seen []"},
	{name: "3.1.1 QoS 2 denied is acknowledged and dropped", id: "anon4", version: 4, op: "pub", topic: "public/news", qos: 2, want: "pubrec 0x00; seen []"},
	{name: "5 QoS 1 denied gets 0x87", id: "anon5", version: 5, op: "pub", topic: "public/news", qos: 1, want: "puback 0x87; seen []"},
	{name: "5 QoS 2 denied gets 0x87", id: "anon6", version: 5, op: "pub", topic: "public/news", qos: 2, want: "pubrec 0x87; seen []"},
	{name: "user readwrite", user: "alice", id: "alice1", version: 5, op: "pub", topic: "home/kitchen", qos: 1, want: "puback 0x00; seen [home/kitchen]"},
	{name: "user deny wins over readwrite", user: "alice", id: "alice2", version: 5, op: "pub", topic: "home/safe", qos: 1, want: "puback 0x87; seen []"},
	{name: "user write with +", user: "alice", id: "alice3", version: 4, op: "pub", topic: "cmd/lights", qos: 1, want: "puback 0x00; seen [cmd/lights]"},
	{name: "read-only user may not write", user: "bob", id: "bob1", version: 5, op: "pub", topic: "home/kitchen", qos: 1, want: "puback 0x87; seen []"},
	{name: "nobody writes $SYS, even with a rule", user: "admin", id: "admin1", version: 5, op: "pub", topic: "$SYS/admin", qos: 1, want: "puback 0x87; seen []"},
	{name: "pattern %c lets a client write its own topics", user: "carol", id: "carol-c", version: 5, op: "pub", topic: "clients/carol-c/x", qos: 1, want: "puback 0x00; seen [clients/carol-c/x]"},
	{name: "pattern %c not another client's", user: "carol", id: "carol-c", version: 5, op: "pub", topic: "clients/other/x", qos: 1, want: "puback 0x87; seen []"},
	{name: "pattern %c applies to anonymous clients", id: "anon7", version: 5, op: "pub", topic: "clients/anon7/x", qos: 1, want: "puback 0x00; seen [clients/anon7/x]"},
	{name: "retained denied is not retained", id: "anon8", version: 4, op: "pubretained", topic: "public/kept", qos: 1, want: "puback 0x00; retained []"},
	{name: "retained allowed is retained", user: "alice", id: "alice4", version: 4, op: "pubretained", topic: "home/kept", qos: 1, want: "puback 0x00; retained [home/kept]"},
	{name: "wildcard subscription delivers only what may be read", id: "anon9", version: 5, op: "sub", topic: "public/#", qos: 1,
		deliver: []string{"public/news", "public/secret", "home/kitchen"}, want: "suback 0x01; got [public/news]"},
	{name: "subscription to a denied topic is granted, nothing delivered", id: "anon10", version: 5, op: "sub", topic: "public/secret", qos: 1,
		deliver: []string{"public/secret"}, want: "suback 0x01; got []"},
	{name: "3.1.1 subscription to an unreadable topic is granted", id: "anon11", version: 4, op: "sub", topic: "home/kitchen", qos: 1,
		deliver: []string{"home/kitchen"}, want: "suback 0x01; got []"},
	{name: "# does not reach $SYS or unreadable topics", user: "alice", id: "alice5", version: 5, op: "sub", topic: "#", qos: 0,
		deliver: []string{"home/kitchen", "public/news"}, want: "suback 0x00; got [retained/r1 home/kitchen]"},
	{name: "+ subscription, read rule on one topic", user: "bob", id: "bob2", version: 4, op: "sub", topic: "home/+", qos: 0,
		deliver: []string{"home/kitchen", "home/hall"}, want: "suback 0x00; got [home/kitchen]"},
	{name: "$SYS readable with a $SYS rule", user: "admin", id: "admin2", version: 5, op: "sub", topic: "$SYS/broker/version", qos: 0,
		want: "suback 0x00; got [$SYS/broker/version]"},
	{name: "$SYS not readable without one", user: "alice", id: "alice6", version: 5, op: "sub", topic: "$SYS/broker/version", qos: 0,
		want: "suback 0x00; got []"},
	{name: "retained messages are checked on subscribe", user: "bob", id: "bob3", version: 5, op: "sub", topic: "retained/#", qos: 0,
		want: "suback 0x00; got []"},
	{name: "pattern %u reads own tree", user: "carol", id: "carol-d", version: 5, op: "sub", topic: "users/carol/#", qos: 0,
		deliver: []string{"users/carol/inbox", "users/carol/private", "users/alice/inbox"}, want: "suback 0x00; got [users/carol/inbox]"},
	{name: "a + in the client id voids the patterns", user: "carol", id: "ev+l", version: 5, op: "sub", topic: "users/carol/#", qos: 0,
		deliver: []string{"users/carol/inbox"}, want: "suback 0x00; got []"},
	{name: "%u patterns do not apply without a user name", id: "anon12", version: 5, op: "sub", topic: "users/#", qos: 0,
		deliver: []string{"users//inbox", "users/anon12/inbox"}, want: "suback 0x00; got []"},
	{name: "a will the client may publish is sent", user: "bob", id: "bob4", version: 4, op: "will", topic: "home/will", want: "seen [home/will]"},
	{name: "a will the client may not publish is not", user: "alice", id: "alice7", version: 4, op: "will", topic: "cmd", want: "seen []"},
	{name: "an anonymous will it may not publish is not", id: "anon13", version: 5, op: "will", topic: "public/news", want: "seen []"},
}

func TestACLAgainstMosquitto(t *testing.T) {
	needMosquitto(t)
	dir := t.TempDir()
	aclFile, passwd := filepath.Join(dir, "acl"), filepath.Join(dir, "passwd")
	if err := os.WriteFile(aclFile, []byte(interopACL), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(passwd, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"admin", "alice", "bob", "carol"} {
		if out, err := exec.Command("mosquitto_passwd", "-b", passwd, u, u+"-pw").CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_passwd: %v\n%s", err, out)
		}
	}
	brokers := []*testBroker{
		startMosquitto(t, fmt.Sprintf("allow_anonymous true\npassword_file %s\nacl_file %s\n", passwd, aclFile)),
		startMqttBroker(t, "--password-file", passwd, "--allow-anonymous", "--acl-file", aclFile),
	}
	for _, b := range brokers {
		t.Run(strings.ReplaceAll(b.name, " ", "_"), func(t *testing.T) {
			observer, code := dialRaw(t, b.addr, connectOpts{id: "observer", user: "admin", pass: "admin-pw", version: 5, clean: true})
			if code != 0 {
				t.Fatalf("observer refused: %#x", code)
			}
			observer.subscribe("#", 0)
			observer.publish("retained/r1", 0, true, "r")
			observer.publish("sentinel/setup", 0, false, ".")
			observer.until("sentinel/setup")
			for i, row := range aclRows {
				t.Logf("row %d: %s", i, row.name)
				got := runACLRow(t, b, observer, i, row)
				if got != row.want {
					t.Errorf("%s: %s: got %q, want %q", b.name, row.name, got, row.want)
				}
			}
			observer.publish("retained/r1", 0, true, "")
		})
	}
}

func runACLRow(t *testing.T, b *testBroker, observer *rawClient, i int, row aclRow) string {
	t.Helper()
	o := connectOpts{id: row.id, version: row.version, clean: true}
	if row.user != "" {
		o.user, o.pass = row.user, row.user+"-pw"
	}
	sentinel := fmt.Sprintf("sentinel/%d", i)
	seen := func() []string { observer.publish(sentinel, 0, false, "."); return observer.until(sentinel) }
	if row.op == "will" {
		o.will = &packets.Packet{TopicName: row.topic, Payload: []byte("gone")}
		from := b.log.len()
		c, code := dialRaw(t, b.addr, o)
		if code != 0 {
			return fmt.Sprintf("connack %#02x", code)
		}
		c.ping()
		c.conn.Close()
		if _, ok := b.log.waitFrom(from, b.disconnected(row.id)); !ok {
			t.Fatalf("%s did not log the end of %s:\n%s", b.name, row.id, b.log.text())
		}
		return fmt.Sprintf("seen %v", seen())
	}
	c, code := dialRaw(t, b.addr, o)
	if code != 0 {
		return fmt.Sprintf("connack %#02x", code)
	}
	defer c.conn.Close()
	switch row.op {
	case "pub":
		ack := c.publish(row.topic, row.qos, false, "m")
		return fmt.Sprintf("%s; seen %v", ack, seen())
	case "pubretained":
		ack := c.publish(row.topic, row.qos, true, "m")
		seen()
		check, _ := dialRaw(t, b.addr, connectOpts{id: "checker", user: "admin", pass: "admin-pw", version: 5, clean: true})
		defer check.conn.Close()
		check.subscribe(row.topic, 0)
		check.subscribe(sentinel, 0)
		observer.publish(sentinel, 0, false, ".")
		kept := check.until(sentinel)
		observer.until(sentinel)
		observer.publish(row.topic, 0, true, "") // clear it for the next row
		seen()
		return fmt.Sprintf("%s; retained %v", ack, kept)
	case "sub":
		suback := c.subscribe(row.topic, row.qos)
		c.subscribe(sentinel, 0)
		for _, topic := range row.deliver {
			observer.publish(topic, 0, false, "d")
		}
		observer.publish(sentinel, 0, false, ".")
		observer.until(sentinel)
		return fmt.Sprintf("suback %#02x; got %v", suback, c.until(sentinel))
	}
	t.Fatalf("unknown op %q", row.op)
	return ""
}
