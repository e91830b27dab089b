package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"mqtt/internal/brokerurl"
	"mqtt/internal/iostreams"
	"mqtt/internal/payload"
	"mqtt/internal/prompt"
	"mqtt/internal/session"
)

// maxPassword is the longest password MQTT can carry: binary data with a two-byte length.
const maxPassword = 65535

// passwordSource is the way the password is given: flag is one of the password flags (connFlag.password) (or "url" once -L's
// user info took over), or "" for no password.
type passwordSource struct {
	flag  string
	from  origin
	value string
}

// passwordSource picks the way the password is given from the highest place that gives one, so that
// MQTT_PASSWORD overrides a profile's password-file as it overrides its password. Two ways at the same
// place are refused: which one was meant cannot be told.
func (v *connValues) passwordSource() (passwordSource, error) {
	var best []passwordSource
	for _, f := range connNames(isPassword) {
		s := v.get(f)
		if s.from == fromDefault || f == "password-prompt" && s.value != "true" {
			continue
		}
		switch {
		case len(best) == 0 || s.from > best[0].from:
			best = []passwordSource{{f, s.from, s.value}}
		case s.from == best[0].from:
			best = append(best, passwordSource{f, s.from, s.value})
		}
	}
	if len(best) == 0 {
		return passwordSource{}, nil
	}
	if len(best) > 1 {
		names := make([]string, len(best))
		for i, b := range best {
			names[i] = v.placeName(b.flag, b.from)
		}
		return passwordSource{}, fmt.Errorf("the password is given two ways (%s): give it one way", strings.Join(names, " and "))
	}
	return best[0], nil
}

// placeName is how an error names a flag at a place: -P, MQTT_PASSWORD, password in profile "home".
func (v *connValues) placeName(flag string, from origin) string {
	switch from {
	case fromEnv:
		return envName(settingKey(flag))
	case fromProfile:
		return fmt.Sprintf("%s in profile %q", settingKey(flag), v.profileName)
	}
	if flag == "pw" {
		return "-P"
	}
	return "--" + flag
}

// read is the password the source gives now; a prompt is asked later, once the command line is known
// to be good.
func (p passwordSource) read(e connEnv) (*string, error) {
	switch p.flag {
	case "pw":
		return &p.value, nil
	case "password-file":
		f, err := e.openFile(p.value)
		if err != nil {
			return nil, fmt.Errorf("cannot read password file %s: %w", p.value, unwrapPath(err))
		}
		defer f.Close()
		// The first line, so that `echo secret > file` and an editor's final newline both work; only
		// that line is read, and no more of it than a password can hold (--password-file /dev/zero).
		line, err := payload.FirstLine(f, maxPassword)
		var tl *payload.TooLargeError
		switch {
		case errors.As(err, &tl):
			return nil, fmt.Errorf("password file %s: the first line is longer than %d bytes, the most an MQTT password can be", p.value, maxPassword)
		case err != nil:
			return nil, fmt.Errorf("cannot read password file %s: %w", p.value, unwrapPath(err))
		}
		return &line, nil
	}
	return nil, nil
}

// promptLabel checks that --password-prompt can ask, and words the question.
func promptLabel(e connEnv, s *session.Options) (string, error) {
	if s.Username == nil {
		return "", errors.New("--password-prompt needs a username: add -u USER")
	}
	if !e.streams.InTTY {
		return "", errors.New("--password-prompt needs a terminal on stdin: give the password with --password-file FILE or MQTT_PASSWORD instead")
	}
	return fmt.Sprintf("Password for %s@%s: ", *s.Username, s.Dial.Host), nil
}

// askPassword asks for the password when --password-prompt chose to, on stderr so that stdout stays
// the messages'.
func askPassword(ctx context.Context, conn *connOptions, streams *iostreams.IOStreams) error {
	if conn.PasswordPrompt == "" {
		return nil
	}
	pw, err := prompt.Password(ctx, streams.In, streams.ErrOut, conn.PasswordPrompt)
	if err != nil {
		return err
	}
	conn.Session.Password = &pw
	return nil
}

// warnVisiblePassword warns when the password is in the arguments: -P, or -L's user info.
func (v *connValues) warnVisiblePassword(e connEnv) {
	onCommandLine := isSet(v.c, "pw")
	if isSet(v.c, "url") {
		u, err := brokerurl.Parse(v.c.String("url"))
		onCommandLine = onCommandLine || err == nil && u.Password != nil
	}
	if onCommandLine {
		warnPasswordArgument(e.streams)
	}
}

// warnPasswordArgument tells a person at a terminal that a password in the arguments can be read by
// others. Scripts, whose stderr is rarely a terminal, are left alone: mosquitto's -P must keep working
// quietly there. A run parses its arguments once, so this is said once.
func warnPasswordArgument(streams *iostreams.IOStreams) {
	if streams.ErrTTY {
		fmt.Fprintln(streams.ErrOut, "Warning: a password on the command line can be read by other users (ps, shell history): "+
			"use --password-file FILE, MQTT_PASSWORD or --password-prompt instead.")
	}
}

// withNote adds where values came from to an error about them.
func withNote(err error, note string) error {
	if note == "" {
		return err
	}
	var p *problem
	if errors.As(err, &p) {
		q := *p
		q.note = note
		return &q
	}
	return &notedError{err, note}
}

// notedError is an error that report prints with a Note line after it, as a problem with a note.
type notedError struct {
	err  error
	note string
}

func (e *notedError) Error() string { return e.err.Error() }
func (e *notedError) Unwrap() error { return e.err }
