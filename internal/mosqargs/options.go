package mosqargs

import (
	"math"
	"sync"
	"time"

	"mqtt/internal/property"
	"mqtt/internal/wire"
)

type progMask uint8

const (
	pP progMask = 1 << Pub
	pS progMask = 1 << Sub
	pR progMask = 1 << RR

	pAll = pP | pS | pR
)

func (m progMask) has(p Program) bool { return m&(1<<p) != 0 }

// option is one branch of client_config_line_proc. A program outside progs sees an unknown option, and
// that is decided before anything else, as mosquitto's "goto unknown_option" comes first.
type option struct {
	names []string // exact spellings; names[0] keys missingValue
	progs progMask
	value bool // takes the next word
	// conflict runs before the value's presence is checked (-f's "Only one type...", -i against -I).
	conflict func(*parser) *failure
	set      func(ps *parser, v string) *failure
	// words consumes a variable number of following words (-D) and says how many.
	words func(ps *parser, rest []string) (int, *failure)
}

// optionIndex finds an option by any of its spellings. It is built on first use: only mosquitto mode
// parses these options, and every other run of mqtt would pay for the map at start-up.
var optionIndex = sync.OnceValue(func() map[string]*option {
	index := make(map[string]*option)
	for i := range optionTable {
		for _, n := range optionTable[i].names {
			index[n] = &optionTable[i]
		}
	}
	return index
})

func lookupOption(word string) *option { return optionIndex()[word] }

func onlyOneMessage(ps *parser) *failure {
	if ps.cfg.MessageMode != MsgNone {
		return failMsg(msgOnlyOneMessage)
	}
	return nil
}

func setString(field func(*Config) **string) func(*parser, string) *failure {
	return func(ps *parser, v string) *failure {
		*field(ps.cfg) = ptr(v)
		return nil
	}
}

func flag(set func(*Config)) func(*parser, string) *failure {
	return func(ps *parser, _ string) *failure {
		set(ps.cfg)
		return nil
	}
}

func setMode(m MessageMode) func(*parser, string) *failure {
	return func(ps *parser, _ string) *failure {
		ps.cfg.MessageMode = m
		return nil
	}
}

// maxPayload is MQTT_MAX_PAYLOAD: the largest remaining length MQTT can encode.
const maxPayload = wire.MaxRemaining

var optionTable = []option{
	{names: []string{"-A"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.BindAddress = v
		return nil
	}},
	{names: []string{"--cafile"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.CAFile })},
	{names: []string{"--capath"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.CAPath })},
	{names: []string{"--cert"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.CertFile })},
	{names: []string{"--ciphers"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.Ciphers })},
	{names: []string{"-C"}, progs: pS, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.MsgCount = atoi(v)
		if ps.cfg.MsgCount < 1 {
			return failMsg(msgInvalidCount, ps.cfg.MsgCount)
		}
		return nil
	}},
	{names: []string{"-c", "--disable-clean-session"}, progs: pAll, set: flag(func(c *Config) { c.CleanSession = false })},
	{names: []string{"-d", "--debug"}, progs: pAll, set: flag(func(c *Config) { c.Debug = true })},
	{names: []string{"-D", "--property"}, progs: pAll, words: func(ps *parser, rest []string) (int, *failure) {
		n, err := ps.cfg.Props.Parse(rest)
		if err != nil {
			return 0, propertyFailure(err)
		}
		ps.cfg.ProtocolVersion = 5
		return n, nil
	}},
	{names: []string{"-e"}, progs: pR, value: true, set: func(ps *parser, v string) *failure {
		if f := ps.checkTopic("-e", v); f != nil {
			return f
		}
		ps.cfg.ResponseTopic = ptr(v)
		return nil
	}},
	{names: []string{"-E"}, progs: pS, set: flag(func(c *Config) { c.ExitAfterSub = true })},
	{names: []string{"-f", "--file"}, progs: pP | pR, value: true, conflict: onlyOneMessage, set: func(ps *parser, v string) *failure {
		ps.cfg.MessageMode = MsgFile
		ps.cfg.File = v
		return nil
	}},
	{names: []string{"-F"}, progs: pS | pR, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Format = ptr(v)
		return checkFormat(v)
	}},
	{names: []string{"--help"}, progs: pAll, set: func(*parser, string) *failure { return &failure{kind: failHelp} }},
	{names: []string{"-h", "--host"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Host = v
		ps.hostGiven = true
		return nil
	}},
	{names: []string{"--insecure"}, progs: pAll, set: flag(func(c *Config) { c.Insecure = true })},
	{names: []string{"-i", "--id"}, progs: pAll, value: true, conflict: func(ps *parser) *failure {
		if ps.cfg.IDPrefix != nil {
			return failMsg(msgIDAndPrefix)
		}
		return nil
	}, set: setString(func(c *Config) **string { return &c.ID })},
	{names: []string{"-I", "--id-prefix"}, progs: pAll, value: true, conflict: func(ps *parser) *failure {
		if ps.cfg.ID != nil {
			return failMsg(msgIDAndPrefix)
		}
		return nil
	}, set: setString(func(c *Config) **string { return &c.IDPrefix })},
	{names: []string{"-k", "--keepalive"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Keepalive = atoi(v)
		if ps.cfg.Keepalive < 5 || ps.cfg.Keepalive > 65535 {
			return failMsg(msgInvalidKeepalive)
		}
		return nil
	}},
	{names: []string{"--key"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.KeyFile })},
	{names: []string{"--keyform"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.KeyForm })},
	{names: []string{"-L", "--url"}, progs: pAll, value: true, set: (*parser).parseURL},
	{names: []string{"-l", "--stdin-line"}, progs: pP, conflict: onlyOneMessage, set: setMode(MsgStdinLine)},
	{names: []string{"-m", "--message"}, progs: pP | pR, value: true, conflict: onlyOneMessage, set: func(ps *parser, v string) *failure {
		ps.cfg.MessageMode = MsgCmdLine
		ps.cfg.Message = []byte(v)
		if len(v) > maxPayload {
			return failMsg(msgMessageTooLong)
		}
		return nil
	}},
	{names: []string{"-M"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.MaxInflight = atoi(v)
		if ps.cfg.MaxInflight < 1 {
			return failMsg(msgInvalidMaxInflight)
		}
		return nil
	}},
	{names: []string{"--nodelay"}, progs: pAll, set: flag(func(c *Config) { c.NoDelay = true })},
	{names: []string{"-n", "--null-message"}, progs: pP | pR, conflict: onlyOneMessage, set: setMode(MsgNull)},
	{names: []string{"-N"}, progs: pS | pR, set: flag(func(c *Config) { c.EOL = false })},
	{names: []string{"-p", "--port"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Port = atoi(v)
		if ps.cfg.Port < 0 || ps.cfg.Port > 65535 {
			return failMsg(msgInvalidPort, ps.cfg.Port)
		}
		return nil
	}},
	{names: []string{"--pretty"}, progs: pS | pR, set: flag(func(c *Config) { c.Pretty = true })},
	{names: []string{"-P", "--pw"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.Password })},
	{names: []string{"--proxy"}, progs: pAll, value: true, set: (*parser).parseProxy},
	{names: []string{"--psk"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.PSK })},
	{names: []string{"--psk-identity"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.PSKIdentity })},
	{names: []string{"-q", "--qos"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.QoS = atoi(v)
		if ps.cfg.QoS < 0 || ps.cfg.QoS > 2 {
			return failMsg(msgInvalidQoS, ps.cfg.QoS)
		}
		return nil
	}},
	{names: []string{"--quiet"}, progs: pAll, set: flag(func(c *Config) { c.Quiet = true })},
	{names: []string{"-r", "--retain"}, progs: pP, set: flag(func(c *Config) { c.Retain = true })},
	{names: []string{"-R"}, progs: pS | pR, set: flag(func(c *Config) {
		c.NoRetain = true
		c.SubOpts |= SubOptSendRetainNever
	})},
	{names: []string{"--random-filter"}, progs: pS, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.RandomFilter = cInt(10.0 * atof(v))
		if ps.cfg.RandomFilter > 10000 || ps.cfg.RandomFilter < 1 {
			return failMsg(msgRandomFilter)
		}
		return nil
	}},
	{names: []string{"--remove-retained"}, progs: pS, set: flag(func(c *Config) { c.RemoveRetained = true })},
	{names: []string{"--repeat"}, progs: pP, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.RepeatCount = atoi(v)
		if ps.cfg.RepeatCount < 1 {
			return failMsg(msgRepeat)
		}
		return nil
	}},
	{names: []string{"--repeat-delay"}, progs: pP, value: true, set: func(ps *parser, v string) *failure {
		f := atof(v)
		if f < 0 {
			return failMsg(msgRepeatDelay)
		}
		ps.cfg.RepeatDelay = repeatDelay(f)
		return nil
	}},
	{names: []string{"--retain-as-published"}, progs: pS | pR, set: flag(func(c *Config) {
		c.RetainAsPublished = true
		c.SubOpts |= SubOptRetainAsPublished
	})},
	{names: []string{"--retained-only"}, progs: pS, set: flag(func(c *Config) { c.RetainedOnly = true })},
	{names: []string{"-s", "--stdin-file"}, progs: pP | pR, conflict: onlyOneMessage, set: setMode(MsgStdinFile)},
	{names: []string{"-t", "--topic"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		return ps.addTopic("-t", v)
	}},
	{names: []string{"-T", "--filter-out"}, progs: pS, value: true, set: func(ps *parser, v string) *failure {
		if f := ps.checkTopic("-T", v); f != nil {
			return f
		}
		ps.cfg.FilterOuts = append(ps.cfg.FilterOuts, v)
		return nil
	}},
	{names: []string{"--tls-alpn"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.TLSALPN })},
	{names: []string{"--tls-engine"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.TLSEngine })},
	{names: []string{"--tls-engine-kpass-sha1"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.TLSEngineKpassSHA1 })},
	{names: []string{"--tls-use-os-certs"}, progs: pAll, set: flag(func(c *Config) { c.TLSUseOSCerts = true })},
	{names: []string{"--tls-version"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.TLSVersion })},
	{names: []string{"-U", "--unsubscribe"}, progs: pS, value: true, set: func(ps *parser, v string) *failure {
		if f := ps.checkTopic("-U", v); f != nil {
			return f
		}
		ps.cfg.UnsubTopics = append(ps.cfg.UnsubTopics, v)
		return nil
	}},
	{names: []string{"-u", "--username"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.Username })},
	{names: []string{"--unix"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Host = v
		ps.hostGiven = true
		ps.cfg.Port = 0
		return nil
	}},
	{names: []string{"-V", "--protocol-version"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		switch v {
		case "mqttv31", "31":
			ps.cfg.ProtocolVersion = 3
		case "mqttv311", "311":
			ps.cfg.ProtocolVersion = 4
		case "mqttv5", "5":
			ps.cfg.ProtocolVersion = 5
		default:
			return failMsg(msgInvalidVersion)
		}
		return nil
	}},
	{names: []string{"-v", "--verbose"}, progs: pS | pR, set: flag(func(c *Config) { c.Verbose = true })},
	{names: []string{"--version"}, progs: pAll, set: func(*parser, string) *failure { return &failure{kind: failVersion} }},
	{names: []string{"-W"}, progs: pS | pR, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.Timeout = atoi(v)
		if ps.cfg.Timeout < 1 {
			return failMsg(msgInvalidTimeout, ps.cfg.Timeout)
		}
		return nil
	}},
	{names: []string{"--will-payload"}, progs: pAll, value: true, set: setString(func(c *Config) **string { return &c.WillPayload })},
	{names: []string{"--will-qos"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		ps.cfg.WillQoS = atoi(v)
		if ps.cfg.WillQoS < 0 || ps.cfg.WillQoS > 2 {
			return failMsg(msgInvalidWillQoS, ps.cfg.WillQoS)
		}
		return nil
	}},
	{names: []string{"--will-retain"}, progs: pAll, set: flag(func(c *Config) { c.WillRetain = true })},
	{names: []string{"--will-topic"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		if f := ps.checkTopic("--will-topic", v); f != nil {
			return f
		}
		ps.cfg.WillTopic = ptr(v)
		return nil
	}},
	{names: []string{"-x"}, progs: pAll, value: true, set: func(ps *parser, v string) *failure {
		x, f := sessionExpiry(v)
		if f != nil {
			return f
		}
		ps.cfg.SessionExpiry = x
		return nil
	}},
}

// sessionExpiry reads -x: "∞" or strtol base 0 of the whole word, -1 meaning infinite too.
func sessionExpiry(v string) (int64, *failure) {
	if v == "∞" {
		return math.MaxUint32, nil
	}
	x, used, _ := strtol(v, 0)
	if used == 0 || used != len(v) {
		return 0, failMsg(msgExpiryNotNumber)
	}
	if x > math.MaxUint32 || x < -1 {
		return 0, failMsg(msgExpiryRange)
	}
	if x == -1 {
		return math.MaxUint32, nil
	}
	return x, nil
}

// repeatDelay splits the seconds as mosquitto does, into whole seconds and truncated microseconds.
func repeatDelay(f float64) time.Duration {
	if f != f || f > float64(math.MaxInt32) {
		return 0
	}
	sec := cInt(f)
	usec := cInt((f - float64(sec)) * 1e6)
	return time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond
}

// propertyFailure maps the property package's refusal to what mosquitto prints: its check_all texts go
// through err_printf, the rest through fprintf.
func propertyFailure(err error) *failure {
	pe, ok := err.(*property.Error)
	if !ok {
		return failText(err.Error() + "\n") // Parse never hands out another error; keep one line anyway
	}
	if pe.Kind == property.BadList {
		return failQuietText(pe.Text)
	}
	return failText(pe.Text)
}
