package cmd

import (
	"errors"
	"net"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// mosquittoRuntime words an error that ends a run as the mosquitto clients word it, with their exit
// code; ok is false for errors mosquitto has no wording for (mqtt's own, such as unacknowledged
// messages), which keep mqtt's.
func mosquittoRuntime(err error) (text string, code int, ok bool) {
	var errno syscall.Errno
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "Unable to connect (Lookup error.).\n", 1, true
	case errors.As(err, &errno):
		return "Error: " + strerror(errno) + "\n", 1, true
	}
	return "", 0, false
}

// strerror is glibc's text for errno: Go's is the same but for the capital letter.
func strerror(e syscall.Errno) string {
	s := e.Error()
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
