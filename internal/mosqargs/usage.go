package mosqargs

import (
	"bytes"
	_ "embed"
	"fmt"
)

// The --help texts are copied byte for byte from the 2.0.11 programs (golden rows), quirks included:
// rr's 13-space indent and unclosed "[-x session-expiry-interval", the "∞" in -x, and the claim that the
// default client id is "<prog>_<pid>" (it is empty in 2.0.11; see Config).
var (
	//go:embed usage/mosquitto_pub.txt
	usagePub string
	//go:embed usage/mosquitto_sub.txt
	usageSub string
	//go:embed usage/mosquitto_rr.txt
	usageRR string
)

// Usage is what --help prints on stdout (and pub after "Both topic and message must be supplied.").
func Usage(p Program) string {
	switch p {
	case Sub:
		return usageSub
	case RR:
		return usageRR
	}
	return usagePub
}

// Version is what --version prints on stdout.
func Version(p Program) string { return fmt.Sprintf(text(msgVersion), p.Name()) }

// Release is the version of the mosquitto clients whose behaviour this package copies.
const Release = "2.0.11"

// libraryName ends the version line of --version and --help: the library mosquitto's clients run on.
const libraryName = "running on libmosquitto " + Release + "."

// NamingRuntime is a --help or --version text (Exit.Stdout when Exit.Asked) with runtime in the place of
// libmosquitto, so that a user can tell which program answered. "mosquitto_pub version 2.0.11", which a
// script may read, stays as it is, and so does the usage printed after a mistake, byte for byte.
func NamingRuntime(text []byte, runtime string) []byte {
	return bytes.Replace(text, []byte(libraryName), []byte("running on "+runtime+"."), 1)
}
