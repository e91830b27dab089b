package transport

import (
	"net/netip"
	"slices"
	"testing"
)

func TestStaticHostsAnswersOnlyWhereGetaddrinfoWould(t *testing.T) {
	addrs := func(s ...string) []netip.Addr {
		var out []netip.Addr
		for _, a := range s {
			out = append(out, netip.MustParseAddr(a))
		}
		return out
	}
	debian := "127.0.0.1\tlocalhost\n127.0.1.1\tbox\n\n# The following lines are desirable for IPv6 capable hosts\n" +
		"::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n"
	for _, c := range []struct {
		hosts, name string
		want        []netip.Addr
	}{
		{debian, "localhost", addrs("::1", "127.0.0.1")}, // ::1 first, as getaddrinfo sorts them
		{debian, "LocalHost", addrs("::1", "127.0.0.1")},
		{debian, "ip6-loopback", addrs("::1")},
		{debian, "box", addrs("127.0.1.1")},
		{debian, "broker", nil},
		{"127.0.0.1 localhost\n127.0.0.1 runsc\n", "localhost", addrs("127.0.0.1")},
		{"127.0.0.1 localhost # 10.0.0.1 broker\n", "broker", nil},
		{"10.0.0.1 broker\n10.0.0.2 broker\n", "broker", nil}, // RFC 6724 may reorder them
		{"10.0.0.1 broker\nfd00::1 broker\n", "broker", nil},  // which is reachable depends on routes
		{"::ffff:10.0.0.1 broker\n", "broker", nil},           // depends on getaddrinfo's flags
		{"fe80::1%eth0 broker\n", "broker", addrs("fe80::1%eth0")},
		{"bogus broker\n192.168.1.5 broker\n", "broker", addrs("192.168.1.5")},
	} {
		if got := staticHosts([]byte(c.hosts), c.name); !slices.Equal(got, c.want) {
			t.Errorf("%q in %q: %v, want %v", c.name, c.hosts, got, c.want)
		}
	}
}

func TestFilesFirst(t *testing.T) {
	for nss, want := range map[string]bool{
		"passwd: files\nhosts:          files dns\n":                    true,
		"hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname\n": true,
		"hosts: files myhostname resolve [!UNAVAIL=return] dns\n":       true,
		"hosts: dns files\n":                         false,
		"hosts: resolve [!UNAVAIL=return] files\n":   false,
		"# hosts: files\nhosts: dns\n":               false,
		"passwd: files\n":                            false,
		"hosts:\n":                                   false,
		"hostsx: files\n":                            false,
		"hosts: files # dns first would be slower\n": true,
	} {
		if got := filesFirst([]byte(nss)); got != want {
			t.Errorf("%q: %v, want %v", nss, got, want)
		}
	}
}
