package mosqargs

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"syscall"

	"mqtt/internal/payload"
	"mqtt/internal/property"
	"mqtt/internal/topic"
)

// TLSEngines are the OpenSSL engine ids that ENGINE_by_id finds. That depends on the OpenSSL build; these
// are the reference machine's (Debian 12, OpenSSL 3: built-in "dynamic" plus engines-3/*.so). A caller
// that can ask OpenSSL may replace it.
var TLSEngines = map[string]bool{"dynamic": true, "padlock": true, "loader_attic": true}

// setup is what each main() does between client_config_load and client_connect. None of its refusals
// prints the usage hint.
type setup struct {
	ps       *parser
	readFile func(string) ([]byte, error)
	stdin    io.Reader
	stderr   bytes.Buffer
	stdout   bytes.Buffer
}

func (s *setup) run() *Exit {
	if s.programChecks() || s.clientNew() || s.optsSet() {
		return &Exit{Code: 1, Stdout: s.stdout.Bytes(), Stderr: s.stderr.Bytes()}
	}
	return nil
}

// say is fprintf(stderr); sayErr is err_printf, which --quiet silences.
func (s *setup) say(msg string) { s.stderr.WriteString(msg) }
func (s *setup) sayErr(msg string) {
	if !s.ps.cfg.Quiet {
		s.stderr.WriteString(msg)
	}
}

// programChecks are the checks in each main() right after client_config_load; true means exit 1.
func (s *setup) programChecks() bool {
	c := s.ps.cfg
	switch s.ps.p {
	case Pub:
		// Input is loaded before the topic is checked, so a missing file wins over a missing topic.
		if c.MessageMode == MsgStdinFile {
			if !s.loadStdin() {
				s.sayErr(text(msgStdinLoad))
				return true
			}
		} else if c.MessageMode == MsgFile {
			if !s.loadFile() {
				s.sayErr(sprintf(text(msgFileLoad), c.File))
				return true
			}
		}
		if c.Topic == nil || c.MessageMode == MsgNone {
			s.say(text(msgPubBothNeeded))
			s.stdout.WriteString(Usage(Pub))
			return true
		}
	case Sub:
		if c.NoRetain && c.RetainedOnly {
			s.say(text(msgSubRetainedOnly))
			return true
		}
	case RR:
		if c.Topic == nil || c.MessageMode == MsgNone || c.ResponseTopic == nil {
			s.say(text(msgRRAllNeeded))
			s.say(sprintf(text(msgUseHelp), RR.Name()))
			return true
		}
		// rr appends its own response-topic; any given with -D is a duplicate.
		if c.Props.Has("publish", "response-topic") {
			s.sayErr(property.RRDuplicateResponseTopic)
			return true
		}
	}
	return false
}

func (s *setup) loadStdin() bool {
	c := s.ps.cfg
	var data []byte
	var tl *payload.TooLargeError
	if s.stdin != nil {
		var err error
		if data, err = payload.ReadAll(s.stdin, maxPayload); errors.As(err, &tl) {
			s.sayErr(text(msgStdinTooLong))
			return false
		}
	}
	if len(data) == 0 {
		s.sayErr(text(msgStdinZero))
		return false
	}
	c.Message = data
	return true
}

func (s *setup) loadFile() bool {
	c := s.ps.cfg
	data, err := s.readFile(c.File)
	var tl *payload.TooLargeError
	switch {
	case errors.As(err, &tl):
		s.sayErr(text(msgFileTooLong))
		return false
	case errors.Is(err, syscall.EISDIR):
		// fopen opens a directory and ftell reports a huge size (filesystem dependent).
		s.sayErr(text(msgFileTooLong))
		return false
	case err != nil:
		s.sayErr(sprintf(text(msgFileOpen), c.File))
		return false
	case len(data) > maxPayload:
		s.sayErr(text(msgFileTooLong))
		return false
	}
	c.Message = data
	return true
}

// clientNew is mosquitto_new's refusals: an empty id, a kept session without an id, or an id that is
// not UTF-8 (that one silently: the library leaves errno alone, so the client prints nothing).
func (s *setup) clientNew() bool {
	c := s.ps.cfg
	id := c.ID
	if c.IDPrefix != nil {
		id = ptr(*c.IDPrefix + "1") // the pid cannot be empty, nor change UTF-8 validity
	}
	switch {
	case id == nil:
		if !c.CleanSession {
			s.sayErr(programText(s.ps.p, msgInvalidID))
			return true
		}
	case *id == "":
		s.sayErr(programText(s.ps.p, msgInvalidID))
		return true
	case len(*id) > topic.MaxLen+1 || !topic.ValidUTF8(*id):
		return true
	}
	return false
}

// optsSet is client_opts_set's refusals, in its order.
func (s *setup) optsSet() bool {
	c := s.ps.cfg
	if c.WillTopic != nil && c.Props.Will != nil && c.ProtocolVersion != 5 {
		s.sayErr(text(msgSetWill))
		return true
	}
	if (c.Username != nil || c.Password != nil) && !usernamePWOK(c) {
		s.sayErr(text(msgSetUserPass))
		return true
	}
	if c.CAFile != nil || c.CAPath != nil {
		for _, f := range []*string{c.CAFile, c.CertFile, c.KeyFile} {
			if f != nil && !s.canOpen(*f) {
				s.sayErr(text(msgTLSFileNotFound))
				return true
			}
		}
	} else if c.PSK != nil && !isHex(*c.PSK) {
		s.sayErr(text(msgTLSPSK))
		return true
	}
	if c.TLSEngine != nil && !TLSEngines[*c.TLSEngine] {
		s.sayErr(sprintf(text(msgTLSEngine), *c.TLSEngine))
		return true
	}
	if c.KeyForm != nil && !strings.EqualFold(*c.KeyForm, "pem") && !strings.EqualFold(*c.KeyForm, "engine") {
		s.sayErr(text(msgTLSKeyform))
		return true
	}
	if c.TLSEngineKpassSHA1 != nil && !sha1Hex(*c.TLSEngineKpassSHA1) {
		s.sayErr(text(msgTLSKpass))
		return true
	}
	if c.TLSVersion != nil && !validTLSVersion(*c.TLSVersion) {
		s.sayErr(text(msgTLSOpts))
		return true
	}
	// mosquitto_socks5_set refuses these and the client exits 1 without a word.
	if p := c.Proxy; p != nil {
		if len(p.Host) > 256 || (p.Username != nil && len(*p.Username) > 255) || (p.Password != nil && len(*p.Password) > 255) {
			return true
		}
	}
	return false
}

// canOpen is fopen(name, "rt") succeeding, which it does for a directory too.
func (s *setup) canOpen(name string) bool {
	_, err := s.readFile(name)
	return err == nil || errors.Is(err, syscall.EISDIR)
}

// usernamePWOK is mosquitto_username_pw_set's checks: MQTT 3.x cannot carry a password without a
// username; both fit a 16-bit length; the username is UTF-8.
func usernamePWOK(c *Config) bool {
	if c.ProtocolVersion != 5 && c.Password != nil && c.Username == nil {
		return false
	}
	if c.Username != nil && (len(*c.Username) > topic.MaxLen || !topic.ValidUTF8(*c.Username)) {
		return false
	}
	return c.Password == nil || len(*c.Password) <= topic.MaxLen
}

func validTLSVersion(v string) bool {
	for _, ok := range []string{"tlsv1.3", "tlsv1.2", "tlsv1.1"} {
		if strings.EqualFold(v, ok) {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if digitVal(s[i]) >= 16 {
			return false
		}
	}
	return true
}

// sha1Hex is mosquitto__hex2bin_sha1: leading "00" pairs count as zero bytes, then BN_hex2bn reads the
// longest run of hex digits (an optional '-' first) as a number; the zero bytes plus the number's bytes
// must make exactly 20. So 40 hex digits work unless zeros hide in odd places, and more digits work if
// the surplus is leading zero pairs.
func sha1Hex(s string) bool {
	zeros := 0
	for i := 0; i+1 < len(s) && s[i:i+2] == "00"; i += 2 {
		zeros++
	}
	h := strings.TrimPrefix(s, "-")
	n := 0
	for n < len(h) && digitVal(h[n]) < 16 {
		n++
	}
	if n == 0 {
		return false
	}
	digits := strings.TrimLeft(h[:n], "0")
	numBytes := (len(digits) + 1) / 2
	return zeros+numBytes == 20
}
