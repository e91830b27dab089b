package broker

import (
	"bufio"
	"crypto/pbkdf2"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Users are the names and passwords a broker accepts, read from a password file: one
// "name:password" a line, split at the first colon, so a password may hold colons and a name may
// not. The password is one of
//
//   - a bcrypt hash, starting $2a$, $2b$ or $2y$ (htpasswd -nbB, or any bcrypt library);
//   - a hash written by mosquitto_passwd: $7$ (PBKDF2-SHA512, its default) or $6$ (SHA-512), so a
//     mosquitto password file works unchanged;
//   - anything else, compared as plain text.
//
// Blank lines and lines starting with # are ignored.
type Users struct {
	byName map[string]secret
	// decoy is checked for a name that is not in the file, as costly as the costliest secret
	// that is, so that the time of a refusal does not tell which names exist.
	decoy secret
}

// The most work a hash in the file may ask for each login: a file could otherwise make every
// CONNECT cost seconds of CPU. mosquitto_passwd writes 101 PBKDF2 iterations; htpasswd -B, cost 5.
const (
	maxPBKDF2Iterations = 1_000_000
	maxBcryptCost       = 14
)

// secret checks one user's password.
type secret interface {
	matches(password string) bool
}

// LoadUsers reads a password file.
func LoadUsers(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u, err := ReadUsers(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}

// ReadUsers reads a password file from r.
func ReadUsers(r io.Reader) (*Users, error) {
	u := &Users{byName: map[string]secret{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		name, password, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("line %d: want name:password", n)
		}
		if _, dup := u.byName[name]; dup {
			return nil, fmt.Errorf("line %d: user %q is already defined", n, name)
		}
		s, err := parseSecret(password)
		if err != nil {
			return nil, fmt.Errorf("line %d (user %q): %w", n, name, err)
		}
		u.byName[name] = s
		if u.decoy == nil || cost(s) > cost(u.decoy) {
			u.decoy = s
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return u, nil
}

// Check reports whether password is name's.
func (u *Users) Check(name, password string) bool {
	s, ok := u.byName[name]
	if !ok {
		if u.decoy != nil {
			u.decoy.matches(password)
		}
		return false
	}
	return s.matches(password)
}

// cost orders secrets by the work a check takes: bcrypt doubles per cost step, and a bcrypt
// check of cost 4 takes about as long as 4,000 PBKDF2-SHA512 iterations.
func cost(s secret) float64 {
	switch s := s.(type) {
	case bcryptHash:
		c, _ := bcrypt.Cost([]byte(s))
		return 250 * float64(int(1)<<c)
	case mosquittoHash:
		return float64(max(s.iterations, 1))
	}
	return 0
}

func parseSecret(p string) (secret, error) {
	switch {
	case strings.HasPrefix(p, "$2a$"), strings.HasPrefix(p, "$2b$"), strings.HasPrefix(p, "$2y$"):
		// Cost parses the whole hash: a damaged one is reported when the file is read, not
		// as a refused login.
		c, err := bcrypt.Cost([]byte(p))
		if err != nil {
			return nil, fmt.Errorf("bad bcrypt hash: %w", err)
		}
		if c > maxBcryptCost {
			return nil, fmt.Errorf("bcrypt cost %d is more than %d: hash the password again with a lower cost", c, maxBcryptCost)
		}
		return bcryptHash(p), nil
	case strings.HasPrefix(p, "$6$"), strings.HasPrefix(p, "$7$"):
		return parseMosquittoHash(p)
	}
	return plain(p), nil
}

type plain string

func (p plain) matches(password string) bool {
	return subtle.ConstantTimeCompare([]byte(p), []byte(password)) == 1
}

type bcryptHash string

func (h bcryptHash) matches(password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(h), []byte(password)) == nil
}

// mosquittoHash is mosquitto_passwd's $6$SALT$HASH, SHA-512 over the password and the salt, or
// $7$ITERATIONS$SALT$HASH, PBKDF2-HMAC-SHA512; salt and hash are base64.
type mosquittoHash struct {
	iterations int // 0 for $6$
	salt, hash []byte
}

var errMosquittoHash = errors.New("bad mosquitto_passwd hash: want $6$SALT$HASH or $7$ITERATIONS$SALT$HASH")

func parseMosquittoHash(p string) (secret, error) {
	fields := strings.Split(p, "$")[2:] // "", "6" or "7", then the fields
	var h mosquittoHash
	if p[1] == '7' {
		if len(fields) != 3 {
			return nil, errMosquittoHash
		}
		n, err := strconv.Atoi(fields[0])
		if err != nil || n < 1 {
			return nil, errMosquittoHash
		}
		if n > maxPBKDF2Iterations {
			return nil, fmt.Errorf("%d iterations is more than %d: hash the password again with mosquitto_passwd", n, maxPBKDF2Iterations)
		}
		h.iterations, fields = n, fields[1:]
	}
	if len(fields) != 2 {
		return nil, errMosquittoHash
	}
	var err1, err2 error
	h.salt, err1 = base64.StdEncoding.DecodeString(fields[0])
	h.hash, err2 = base64.StdEncoding.DecodeString(fields[1])
	if err1 != nil || err2 != nil || len(h.hash) != sha512.Size {
		return nil, errMosquittoHash
	}
	return h, nil
}

func (h mosquittoHash) matches(password string) bool {
	var sum []byte
	if h.iterations == 0 {
		s := sha512.Sum512(append([]byte(password), h.salt...))
		sum = s[:]
	} else {
		var err error
		if sum, err = pbkdf2.Key(sha512.New, password, h.salt, h.iterations, sha512.Size); err != nil {
			return false
		}
	}
	return subtle.ConstantTimeCompare(sum, h.hash) == 1
}

// NoUsers lets no one in by name and password.
func NoUsers() *Users { return &Users{byName: map[string]secret{}} }
