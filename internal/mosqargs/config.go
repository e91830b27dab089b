package mosqargs

import (
	"time"

	"mqtt/internal/property"
)

// PortUndefined is mosquitto's PORT_UNDEFINED: no -p, -L or --unix was given.
const PortUndefined = -1

// ExpiryUnset is Config.SessionExpiry when no -x was given (and -c did not imply one).
const ExpiryUnset = -1

// MessageMode is where pub's (and rr's) payload comes from.
type MessageMode int

const (
	MsgNone      MessageMode = iota
	MsgCmdLine               // -m
	MsgFile                  // -f
	MsgStdinFile             // -s
	MsgStdinLine             // -l: one message per line of stdin, read while connected
	MsgNull                  // -n
)

// Config is mosquitto's struct mosq_config once client_config_load (and main's own checks, which Load
// runs too) accepted the arguments. Optional strings are pointers because mosquitto tells "not given"
// from "given empty" and acts on it: -u "" sends an empty username, --cafile "" makes TLS fail.
//
// What the caller must still do to behave like mosquitto on the wire and at run time (docs sections 3.4
// and 8; RuntimeRows lists the exact messages seen in the golden rows):
//
//   - Address: Host (never empty after Load unless given empty) and ConnectPort(). ConnectPort 0 means a
//     unix socket whose path is Host (from --unix, -p 0, or -L with a port that is not a number); a port
//     above 65535 (only -L can give one) fails with "Unable to connect (Invalid function arguments
//     provided.).", as does --unix "". An empty host fails with "Unable to connect (Lookup error.).". A
//     refused TCP connect prints "Error: Connection refused" and a missing socket "Error: No such file
//     or directory" (strerror texts, "Error: %s\n"). All exit 1 and all are silenced by Quiet.
//   - Client id: ID if given; with IDPrefix, the prefix followed by the decimal pid; otherwise EMPTY
//     (zero-length) for MQTT 3.1.1 and 5 despite what the help says, and for 3.1 the library's
//     "mosq-" plus 18 random alphanumerics.
//   - Protocol: ProtocolVersion (3 = 3.1 "MQIsdp", 4 = 3.1.1, 5). Any -D already switched it to 5 unless a
//     later -V said otherwise; CONNECT properties under 3.x fail with "Unable to connect (This feature is
//     not supported.).".
//   - CONNECT: clean session unless -c; the username flag whenever Username != nil (even ""), the password
//     flag whenever Password != nil (v5 allows a password alone). v5 properties in this order: the user's
//     -D connect ones, then session-expiry-interval if SessionExpiry > 0 (Load already put it into
//     Props.Connect, after the user's), then receive-maximum unless the user gave one: 20 for pub and
//     sub, MsgCount for sub when 1..19, and 1 for rr. MaxInflight is the send quota and is not sent.
//   - Will: WillTopic (may be empty), WillPayload, WillQoS, WillRetain, Props.Will (v5 only; Load has
//     already refused will properties with a will topic under 3.x).
//   - TLS is on when CAFile or CAPath is set (files checked by Load), or PSK, or ConnectPort() is 8883
//     (OS certificates), or TLSUseOSCerts. CertFile/KeyFile without a CA and not on 8883 are ignored.
//     Ciphers, TLSALPN, TLSEngine, KeyForm, TLSVersion (already checked) apply to the handshake.
//   - Quiet silences mosquitto's err_printf messages from here on (connect errors, "Error: Invalid input.
//     Does your topic contain '+' or '#'?" for pub's empty topic, ...). Debug prints the library's log
//     lines on stdout ("Client (null) sending CONNECT" when there is no id).
//   - pub: Message holds the payload for -m, -f and -s (read by Load); -n sends empty; -l reads stdin line
//     by line once connected (empty stdin: CONNECT, DISCONNECT, exit 0). RepeatCount publishes spaced by
//     RepeatDelay, each with QoS, Retain and Props.Publish (v5); if Props.Has("publish","topic-alias") the
//     topic is sent only in the first publish. Then DISCONNECT with Props.Disconnect.
//   - sub: one SUBSCRIBE of all Topics, each with options QoS|SubOpts (3.x: QoS only) and Props.Subscribe;
//     then one UNSUBSCRIBE per UnsubTopics entry (Props.Unsubscribe). ExitAfterSub disconnects after the
//     SUBACK. MsgCount, Timeout (exit 27 "Timed out"), FilterOuts, RandomFilter (per 10000), RemoveRetained,
//     RetainedOnly, NoRetain, EOL, Verbose, Format, Pretty govern what is received and printed.
//   - rr: SUBSCRIBE to ResponseTopic with QoS and options 0 (-R and --retain-as-published are accepted and
//     ignored), then PUBLISH to Topic with QoS, retain 0, Message (empty for -f, -s and -n: rr never reads
//     them) and, under v5, Props.Publish plus response-topic = ResponseTopic appended last. It prints the
//     first reply and exits 0 without DISCONNECT; a CONNACK refusal prints "Connection error: %s.
//     mosquitto_rr only supports connecting to an MQTT v5 broker".
//   - Exit codes after connecting: the CONNACK result if non-zero, else the network loop's MOSQ_ERR_*.
type Config struct {
	Program Program

	Host        string // "localhost" unless -h, -L or --unix gave one
	Port        int    // as given; PortUndefined if none. Use ConnectPort.
	BindAddress string // -A
	ID          *string
	IDPrefix    *string
	Keepalive   int
	Username    *string
	Password    *string
	// CleanSession is false after -c.
	CleanSession bool
	// SessionExpiry is ExpiryUnset, or 0..4294967295; -c under v5 without -x makes it 4294967295.
	SessionExpiry   int64
	ProtocolVersion int // 3 (MQTT 3.1), 4 (3.1.1) or 5
	MaxInflight     int
	Debug           bool
	Quiet           bool
	NoDelay         bool

	WillTopic   *string
	WillPayload *string
	WillQoS     int
	WillRetain  bool

	CAFile, CAPath, CertFile, KeyFile *string
	Ciphers, TLSVersion, TLSALPN      *string
	TLSEngine, TLSEngineKpassSHA1     *string
	KeyForm                           *string
	PSK, PSKIdentity                  *string
	Insecure                          bool
	TLSUseOSCerts                     bool

	// WebSocket is set by a ws:// or wss:// -L URL, which mosquitto 2.0.11 refuses and mqtt accepts.
	WebSocket bool

	// Proxy is --proxy parsed; nil without one.
	Proxy *SocksProxy

	// Props holds the -D properties per packet, plus the session-expiry-interval that -x or -c adds to
	// CONNECT under v5. Load has run mosquitto's checks on every list.
	Props property.Set

	QoS int // -q, for publish (pub, rr) or subscribe (sub, rr)

	// pub and rr
	Topic       *string
	MessageMode MessageMode
	Message     []byte
	File        string // -f's argument
	// pub only
	Retain      bool
	RepeatCount int
	RepeatDelay time.Duration

	// sub and rr
	EOL               bool // false after -N
	Verbose           bool
	Format            *string
	Pretty            bool
	Timeout           int // -W seconds, 0 for none
	NoRetain          bool
	RetainAsPublished bool
	// SubOpts is mosquitto's sub_opts: 0x20 for -R, 0x08 for --retain-as-published.
	SubOpts int
	// MsgCount is -C for sub (0 for no limit); always 1 for rr.
	MsgCount int

	// sub only
	Topics         []string
	FilterOuts     []string
	UnsubTopics    []string
	ExitAfterSub   bool
	RemoveRetained bool
	RetainedOnly   bool
	// RandomFilter is the chance per 10000 that a message is printed (10000 by default).
	RandomFilter int

	// rr only
	ResponseTopic *string
}

// SocksProxy is a socks5h:// proxy as mosquitto__parse_socks_url leaves it.
type SocksProxy struct {
	Host               string
	Port               int
	Username, Password *string
}

// Sub-option bits, as MQTT 5 puts them in SUBSCRIBE.
const (
	SubOptRetainAsPublished = 0x08
	SubOptSendRetainNever   = 0x20
)

// ConnectPort is the port client_connect uses: the given one, else 8883 with --cafile, --capath or --psk,
// else 1883. 0 means a unix socket at Host.
func (c *Config) ConnectPort() int {
	if c.Port != PortUndefined {
		return c.Port
	}
	if c.CAFile != nil || c.CAPath != nil || c.PSK != nil {
		return 8883
	}
	return 1883
}

// ReceiveMaximum is the receive-maximum the library appends to a v5 CONNECT when the user gave none.
func (c *Config) ReceiveMaximum() int {
	if c.MsgCount >= 1 && c.MsgCount < 20 {
		return c.MsgCount
	}
	return 20
}

// newConfig is init_config.
func newConfig(p Program) *Config {
	c := &Config{
		Program:         p,
		Port:            PortUndefined,
		MaxInflight:     20,
		Keepalive:       60,
		CleanSession:    true,
		EOL:             true,
		RepeatCount:     1,
		RandomFilter:    10000,
		SessionExpiry:   ExpiryUnset,
		ProtocolVersion: 4,
	}
	if p == RR {
		c.ProtocolVersion = 5
		c.MsgCount = 1
	}
	return c
}
