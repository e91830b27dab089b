package broker_test

import (
	"strings"
	"testing"

	"mqtt/internal/broker"
)

// The hashes were made by the tools a user would reach for: bcrypt (cost 4, to keep the test fast),
// mosquitto_passwd's default ($7$) and its older SHA-512 ($6$, -H sha512).
const passwordFile = `# users of the test broker
alice:secret
colon:a:b:c
bob:$2a$04$f7WdzIitob9/OV0kGASwJ.hFTf5/A/YhdipdqbZvkjaF23IYRnMW6
carol:$7$101$6eXfPa/RaMqHj6EH$+LyJtMRklFSdKc4zfYEiOiEwgEda/9xxqZUPZkQIwST8CGed4WQ3gFhUaULCPfbURKlhAZbCq24UVqIq/jmVww==
dave:$6$AQJlcf7NSuw5ZTaI$o+u2YLS/tLZYDRiNOgLD9yQJLIEtUPk1dbBINEvLAgVWytvsQPnSi4NSQm2ACC7fiaGFn7Fx+f+A85m7v9kO8g==

   # indented comment
empty:
crlf:windows` + "\r\n"

func TestUsersCheck(t *testing.T) {
	users, err := broker.ReadUsers(strings.NewReader(passwordFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"alice", "secret", true},
		{"alice", "Secret", false},
		{"alice", "", false},
		{"colon", "a:b:c", true},
		{"bob", "hunter2", true},
		{"bob", "hunter3", false},
		{"carol", "c:arol", true},
		{"carol", "carol", false},
		{"dave", "dave-pw", true},
		{"dave", "dave-pw ", false},
		{"empty", "", true},
		{"empty", "x", false},
		{"crlf", "windows", true},
		{"nobody", "", false},
		{"# users of the test broker", "", false},
	}
	for _, tt := range tests {
		if got := users.Check(tt.name, tt.password); got != tt.want {
			t.Errorf("Check(%q, %q) = %v, want %v", tt.name, tt.password, got, tt.want)
		}
	}
}

func TestReadUsersErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"alice\n", "line 1: want name:password"},
		{"ok:1\n:nameless\n", "line 2: want name:password"},
		{"a:1\na:2\n", `line 2: user "a" is already defined`},
		{"a:$2y$10$short\n", `line 1 (user "a"): bad bcrypt hash`},
		{"a:$7$x$c2FsdA==$aGFzaA==\n", `line 1 (user "a"): bad mosquitto_passwd hash`},
		{"a:$7$101$c2FsdA==$aGFzaA==\n", "bad mosquitto_passwd hash"}, // hash too short for SHA-512
		{"a:$6$not base64$aGFzaA==\n", "bad mosquitto_passwd hash"},
	}
	for _, tt := range tests {
		_, err := broker.ReadUsers(strings.NewReader(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadUsers(%q) = %v, want an error with %q", tt.file, err, tt.want)
		}
	}
}

func TestLoadUsersNamesTheFile(t *testing.T) {
	if _, err := broker.LoadUsers("testdata/does-not-exist"); err == nil || !strings.Contains(err.Error(), "does-not-exist") {
		t.Fatalf("LoadUsers of a missing file: %v", err)
	}
}
