package broker

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// FileConfig is what a mosquitto.conf says in the part of its language mqtt broker reads: the
// options of listeners, logins, access control, persistence, sessions and queues. Paths are as
// written.
type FileConfig struct {
	Listeners      []FileListener
	PasswordFile   string
	ACLFile        string
	AllowAnonymous *bool
	// Persistence and PersistenceLocation are mosquitto's: with persistence true, sessions and
	// retained messages are kept in PersistenceLocation (the working directory when empty).
	Persistence         bool
	PersistenceLocation string
	// MaxQueued and MaxInflight are max_queued_messages and max_inflight_messages as written: 0
	// is no limit.
	MaxQueued, MaxInflight *int
	// PersistentClientExpiration is persistent_client_expiration: 0 when the file does not set it.
	PersistentClientExpiration time.Duration
}

// FileListener is one "listener PORT [ADDRESS]" and the options that follow it. Port 0 with an
// address that is a path is a unix socket, as in mosquitto 2.0.
type FileListener struct {
	Port                      int
	Address                   string
	CAFile, CertFile, KeyFile string
	RequireCertificate        bool
	UseIdentityAsUsername     bool
}

// LoadFileConfig reads a mosquitto.conf.
func LoadFileConfig(path string) (*FileConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ReadFileConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ReadFileConfig reads a mosquitto.conf from r. Any option outside the subset is an error naming
// its line, rather than a setting silently ignored.
func ReadFileConfig(r io.Reader) (*FileConfig, error) {
	c := &FileConfig{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, value, _ := strings.Cut(line, " ")
		value = strings.TrimSpace(value)
		if err := c.set(key, value); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *FileConfig) set(key, value string) error {
	listener := func() (*FileListener, error) {
		if len(c.Listeners) == 0 {
			return nil, fmt.Errorf("%s must follow a listener line", key)
		}
		return &c.Listeners[len(c.Listeners)-1], nil
	}
	var err error
	switch key {
	case "listener":
		port, addr, _ := strings.Cut(value, " ")
		l := FileListener{Address: strings.TrimSpace(addr)}
		if l.Port, err = strconv.Atoi(port); err != nil || l.Port < 0 || l.Port > 65535 {
			return fmt.Errorf("listener: invalid port %q", port)
		}
		if l.Port == 0 && l.Address == "" {
			return fmt.Errorf("listener 0 takes the path of a unix socket")
		}
		c.Listeners = append(c.Listeners, l)
	case "cafile", "certfile", "keyfile", "require_certificate", "use_identity_as_username":
		l, err := listener()
		if err != nil {
			return err
		}
		switch key {
		case "cafile":
			l.CAFile, err = path(key, value)
		case "certfile":
			l.CertFile, err = path(key, value)
		case "keyfile":
			l.KeyFile, err = path(key, value)
		case "require_certificate":
			l.RequireCertificate, err = boolean(key, value)
		case "use_identity_as_username":
			l.UseIdentityAsUsername, err = boolean(key, value)
		}
		return err
	case "password_file":
		c.PasswordFile, err = path(key, value)
	case "acl_file":
		c.ACLFile, err = path(key, value)
	case "allow_anonymous":
		var b bool
		b, err = boolean(key, value)
		c.AllowAnonymous = &b
	case "persistence":
		c.Persistence, err = boolean(key, value)
	case "persistence_location":
		c.PersistenceLocation, err = path(key, value)
	case "persistent_client_expiration":
		c.PersistentClientExpiration, err = ParseExpiration(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	case "max_queued_messages", "max_inflight_messages":
		var v int
		if v, err = strconv.Atoi(value); err != nil || v < 0 {
			return fmt.Errorf("%s: want a count, 0 for no limit, not %q", key, value)
		}
		if key == "max_queued_messages" {
			c.MaxQueued = &v
		} else {
			c.MaxInflight = &v
		}
	default:
		return fmt.Errorf("%q is not an option mqtt broker reads: it reads listener, cafile, certfile, keyfile, "+
			"require_certificate, use_identity_as_username, password_file, acl_file, allow_anonymous, persistence, "+
			"persistence_location, persistent_client_expiration, max_queued_messages and max_inflight_messages", key)
	}
	return err
}

// ParseExpiration reads a duration as mosquitto's persistent_client_expiration takes it: a whole
// number of hours, days, weeks, months (30 days) or years (365 days), as 12h, 14d, 2w, 6m or 1y.
func ParseExpiration(s string) (time.Duration, error) {
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour,
		'm': 30 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}
	if len(s) < 2 || unit[s[len(s)-1]] == 0 {
		return 0, fmt.Errorf("want a number and one of h, d, w, m, y (as 14d), not %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 1000*365 {
		return 0, fmt.Errorf("want a number and one of h, d, w, m, y (as 14d), not %q", s)
	}
	return time.Duration(n) * unit[s[len(s)-1]], nil
}

func path(key, value string) (string, error) {
	if value == "" {
		return "", fmt.Errorf("%s needs a path", key)
	}
	return value, nil
}

func boolean(key, value string) (bool, error) {
	switch value {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: want true or false, not %q", key, value)
}
