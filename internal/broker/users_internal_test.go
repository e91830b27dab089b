package broker

import (
	"strings"
	"testing"
)

// A name not in the file costs a check as dear as the dearest secret in it: the time of a refusal
// must not tell which names exist.
func TestUnknownUserCostsAKnownOne(t *testing.T) {
	u, err := ReadUsers(strings.NewReader("alice:plain\nbob:$2a$04$f7WdzIitob9/OV0kGASwJ.hFTf5/A/YhdipdqbZvkjaF23IYRnMW6\n" +
		"carol:$7$101$6eXfPa/RaMqHj6EH$+LyJtMRklFSdKc4zfYEiOiEwgEda/9xxqZUPZkQIwST8CGed4WQ3gFhUaULCPfbURKlhAZbCq24UVqIq/jmVww==\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := u.decoy.(bcryptHash); !ok {
		t.Errorf("the decoy is %T, want the bcrypt hash", u.decoy)
	}
	if u.Check("mallory", "x") {
		t.Error("an unknown user was let in")
	}
}

func TestHashWorkIsCapped(t *testing.T) {
	for _, line := range []string{
		"a:$7$2000000$6eXfPa/RaMqHj6EH$+LyJtMRklFSdKc4zfYEiOiEwgEda/9xxqZUPZkQIwST8CGed4WQ3gFhUaULCPfbURKlhAZbCq24UVqIq/jmVww==",
		"a:$2a$15$f7WdzIitob9/OV0kGASwJ.hFTf5/A/YhdipdqbZvkjaF23IYRnMW6",
	} {
		if _, err := ReadUsers(strings.NewReader(line)); err == nil || !strings.Contains(err.Error(), "more than") {
			t.Errorf("%s: got %v, want a refusal", line[:12], err)
		}
	}
}
