package transport

import (
	"bytes"
	"net/netip"
	"os"
	"strings"
)

// Go's resolver, asked for `localhost` (every command's default host), reads /etc/resolv.conf,
// /etc/nsswitch.conf and /etc/hosts and runs the lookup in a goroutine of its own: 0.3 to 0.4 ms of a
// one-message publish that takes 4. mosquitto's getaddrinfo finds the name in /etc/hosts. The dialer
// does the same where the answer is certain to be the one both would give, and otherwise leaves the
// name to Go's resolver.

// hostsAddrs is what /etc/hosts says of name, read as staticHosts reads it.
func hostsAddrs(name string) []netip.Addr {
	if name == "" || strings.HasSuffix(name, ".") {
		return nil
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return nil // an address needs no lookup
	}
	nss, err := os.ReadFile("/etc/nsswitch.conf")
	if err != nil || !filesFirst(nss) {
		return nil
	}
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return nil
	}
	return staticHosts(hosts, name)
}

// filesFirst reports whether nsswitch.conf's hosts line asks the hosts file first, as every
// distribution's does: then glibc and Go both answer from it alone for a name it holds.
func filesFirst(nsswitch []byte) bool {
	for line := range bytes.Lines(nsswitch) {
		line, _, _ = bytes.Cut(line, []byte("#"))
		db, sources, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(bytes.TrimSpace(db)) != "hosts" {
			continue
		}
		f := bytes.Fields(sources)
		return len(f) > 0 && string(f[0]) == "files"
	}
	return false
}

// staticHosts is the addresses that a hosts file gives name, in the order getaddrinfo sorts them and
// mosquitto tries them, or nil where that order is not certain: more than one address of a family
// (RFC 6724 may reorder them by prefix match), or an IPv6 and an IPv4 address that are not both
// loopback (which is reachable first depends on the machine's routes). ::1 sorts before 127.0.0.1
// (precedence 50 over 35).
func staticHosts(hosts []byte, name string) []netip.Addr {
	var v4, v6 []netip.Addr
	for line := range bytes.Lines(hosts) {
		line, _, _ = bytes.Cut(line, []byte("#"))
		f := bytes.Fields(line)
		if len(f) < 2 {
			continue
		}
		addr, err := netip.ParseAddr(string(f[0]))
		if err != nil {
			continue
		}
		for _, n := range f[1:] {
			if !strings.EqualFold(string(n), name) {
				continue
			}
			switch {
			case addr.Is4In6():
				return nil // getaddrinfo's answer depends on its flags
			case addr.Is4():
				v4 = append(v4, addr)
			default:
				v6 = append(v6, addr)
			}
			break
		}
	}
	switch {
	case len(v4) > 1 || len(v6) > 1:
		return nil
	case len(v4) == 1 && len(v6) == 1:
		if !v4[0].IsLoopback() || !v6[0].IsLoopback() {
			return nil
		}
	}
	return append(v6, v4...)
}
