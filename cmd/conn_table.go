package cmd

import (
	"strings"

	"github.com/urfave/cli/v2"

	"mqtt/internal/completion"
)

// connFlag is what is known of one connection flag. connTable is the one place it is written: the flag
// parser (connFlags), profiles and MQTT_* variables (conn_settings.go), the headings of --help and of
// the manual (flagGroups), completion (flagValues) and the placeholders of --help and the manual
// (manArg) all read it.
type connFlag struct {
	names []string // the first is the long name, the one code asks for
	kind  flagKind
	value string // the default, as the flag parser gives it
	usage string // a `WORD` in it names the value, as urfave/cli reads it
	group string // heading in --help and in the manual
	// key is the flag's name in a profile and, in upper case with '_' for '-', after MQTT_ in the
	// environment (envName); empty for a flag that neither may set.
	key    string
	values completion.Values
	// arg is the placeholder of the value in --help and the manual, for a usage without a `WORD`; empty
	// takes the noun of the error messages (argNoun).
	arg string
	// path marks a file or directory: a profile or an MQTT_* variable may write ~/ for the home folder,
	// and `profile add` saves it absolute.
	path bool
	// destination marks the settings that say where to connect, which a failed connection is about.
	destination bool
	// password marks the ways to give the password, of which one place's way counts.
	password bool
	// unsupported says why mqtt refuses the flag.
	unsupported string
}

type flagKind int

const (
	textFlag   flagKind = iota // takes a value
	switchFlag                 // on when given
	listFlag                   // takes a value, and may be given again
)

var (
	files = completion.Values{Paths: completion.Files}
	dirs  = completion.Values{Paths: completion.Dirs}
)

// connTable is the connection flags every command shares, spelled as in the mosquitto man pages, in the
// order of --help. Numbers are read as strings so that a bad value gets mosquitto's message rather than
// Go's. protocol-version's default is the command's (connFlags).
var connTable = []connFlag{
	{names: []string{"host", "h"}, value: "localhost", usage: "broker host", group: groupConnection, key: "host", destination: true},
	{names: []string{"port", "p"}, usage: "broker port (default 1883, 8883 with TLS)", group: groupConnection, key: "port", destination: true},
	{names: []string{"url", "L"}, usage: "mqtt(s)|ws(s)://[user[:password]@]host[:port]/topic", group: groupConnection, key: "url", destination: true},
	{names: []string{"unix"}, usage: "connect through the unix socket `PATH`", group: groupConnection, key: "unix", values: files, path: true, destination: true},
	{names: []string{"ws"}, kind: switchFlag, usage: "use MQTT over WebSocket (wss with TLS)", group: groupConnection, key: "ws", destination: true},
	{names: []string{"ws-path"}, value: "/mqtt", usage: "WebSocket request path", group: groupConnection, key: "ws-path", arg: "path", destination: true},
	{names: []string{"A"}, usage: "bind the outgoing connection to the local `ADDRESS`", group: groupConnection, key: "bind-address", destination: true},
	{names: []string{"nodelay"}, kind: switchFlag, usage: "disable Nagle's algorithm", group: groupConnection, key: "nodelay"},
	{names: []string{"id", "i"}, usage: "client id (default: random)", group: groupConnection, key: "id"},
	{names: []string{"id-prefix", "I"}, usage: "client id prefix; the process id is appended", group: groupConnection, key: "id-prefix", arg: "prefix"},
	{names: []string{"keepalive", "k"}, value: "60", usage: "keep-alive in seconds", group: groupConnection, key: "keepalive"},
	{names: []string{"username", "u"}, usage: "user name", group: groupLogin, key: "username"},
	{names: []string{"pw", "P"}, usage: "password (visible in ps: prefer --password-file or MQTT_PASSWORD)", group: groupLogin, key: "password", password: true},
	{names: []string{"password-file"}, usage: "read the password from the first line of `FILE`", group: groupLogin, key: "password-file", path: true, password: true},
	{names: []string{"password-prompt"}, kind: switchFlag, usage: "ask for the password on the terminal (with -u)", group: groupLogin, key: "password-prompt", password: true},
	{names: []string{"profile"}, usage: "options of profile `NAME` (default: MQTT_PROFILE or the file's)", group: groupConnection,
		// Listed by `mqtt profile list` as the user presses Tab: the first word of each of its lines is a
		// name (the default one is followed by "(default)").
		values: completion.Values{Listed: []string{"profile", "list"}}},
	{names: []string{"disable-clean-session", "c"}, kind: switchFlag, usage: "keep the session when disconnected (needs -i)", group: groupConnection, key: "disable-clean-session"},
	{names: []string{"session-expiry-interval", "x"}, usage: "v5 session expiry in seconds, -1 for never", group: groupV5, key: "session-expiry-interval", arg: "seconds"},
	{names: []string{"protocol-version", "V"}, usage: "MQTT version: 31, 311 or 5", group: groupConnection, key: "protocol-version", arg: "version",
		values: completion.Values{Words: []string{"5", "311", "31", "mqttv5", "mqttv311", "mqttv31"}}},
	{names: []string{"will-topic"}, usage: "topic of the last-will message", group: groupWill, key: "will-topic"},
	{names: []string{"will-payload"}, usage: "payload of the last-will message", group: groupWill, key: "will-payload", arg: "payload"},
	{names: []string{"will-qos"}, value: "0", usage: "QoS of the last-will message", group: groupWill, key: "will-qos", values: completion.Values{Words: []string{"0", "1", "2"}}},
	{names: []string{"will-retain"}, kind: switchFlag, usage: "retain the last-will message", group: groupWill, key: "will-retain"},
	{names: []string{"cafile"}, usage: "CA certificates (PEM) to verify the broker; turns TLS on", group: groupTLS, key: "cafile", values: files, path: true, destination: true},
	{names: []string{"capath"}, usage: "directory of CA certificates (PEM); turns TLS on", group: groupTLS, key: "capath", values: dirs, arg: "dir", path: true, destination: true},
	{names: []string{"cert"}, usage: "client certificate (PEM)", group: groupTLS, key: "cert", values: files, path: true},
	{names: []string{"key"}, usage: "client private key (PEM)", group: groupTLS, key: "key", values: files, path: true},
	{names: []string{"insecure"}, kind: switchFlag, usage: "do not check that the broker's certificate names the host", group: groupTLS, key: "insecure"},
	{names: []string{"tls-version"}, usage: "tlsv1.3, tlsv1.2 or tlsv1.1", group: groupTLS, key: "tls-version", arg: "version", values: completion.Values{Words: []string{"tlsv1.3", "tlsv1.2", "tlsv1.1"}}},
	{names: []string{"tls-alpn"}, usage: "TLS ALPN protocol", group: groupTLS, key: "tls-alpn", arg: "protocol"},
	{names: []string{"tls-use-os-certs"}, kind: switchFlag, usage: "verify the broker with the system's CA certificates; turns TLS on", group: groupTLS, key: "tls-use-os-certs", destination: true},
	{names: []string{"no-tls"}, kind: switchFlag, usage: "no TLS, whatever the other options, a profile or -L say", group: groupTLS, key: "no-tls", destination: true},
	{names: []string{"tls-keylog"}, usage: "append TLS secrets to `FILE`, for Wireshark (debugging only)", group: groupTLS, key: "tls-keylog", values: files, path: true},
	{names: []string{"proxy"}, usage: "SOCKS5 proxy: socks5h://[user[:password]@]host[:port]", group: groupConnection, key: "proxy", arg: "URL", destination: true},
	{names: []string{"o"}, usage: "read options from `FILE` first, one a line, as mosquitto 2.1 does", group: groupConnection, values: files},
	{names: []string{"property", "D"}, kind: listFlag, usage: "v5 property: COMMAND NAME VALUE (user-property: NAME VALUE)", group: groupV5, arg: "command name value"},
	{names: []string{"debug", "d"}, kind: switchFlag, usage: "print every packet sent and received to stderr", group: groupDiagnostics},
	{names: []string{"quiet"}, kind: switchFlag, usage: "print no error messages", group: groupDiagnostics},
	{names: []string{"ciphers"}, usage: "not supported (OpenSSL cipher lists)", group: groupNotSupported, arg: "list",
		unsupported: "it takes an OpenSSL cipher list, which Go's TLS cannot use; Go picks secure suites itself"},
	{names: []string{"psk"}, usage: "not supported (Go's TLS has no PSK)", group: groupNotSupported, arg: "key", unsupported: noPSK},
	{names: []string{"psk-identity"}, usage: "not supported (Go's TLS has no PSK)", group: groupNotSupported, arg: "identity", unsupported: noPSK},
	{names: []string{"tls-engine"}, usage: "not supported (OpenSSL engines)", group: groupNotSupported, arg: "engine", unsupported: noEngines},
	// pem is what Go reads; only engine is refused.
	{names: []string{"keyform"}, usage: "pem (engine is not supported)", group: groupTLS, arg: "pem|engine", values: completion.Values{Words: []string{"pem"}}, unsupported: noEngines},
	{names: []string{"tls-engine-kpass-sha1"}, usage: "not supported (OpenSSL engines)", group: groupNotSupported, arg: "hash", unsupported: noEngines},
}

const (
	noPSK     = "Go's TLS has no pre-shared keys"
	noEngines = "OpenSSL engines do not exist in Go's TLS"
)

// connFlags are the connection flags of a command whose default protocol version is defaultVersion.
func connFlags(defaultVersion string) []cli.Flag {
	out := make([]cli.Flag, 0, len(connTable))
	for i := range connTable {
		f := &connTable[i]
		value := f.value
		if f.names[0] == "protocol-version" {
			value = defaultVersion
		}
		name, aliases := f.names[0], f.names[1:]
		switch f.kind {
		case switchFlag:
			out = append(out, &cli.BoolFlag{Name: name, Aliases: aliases, Usage: f.usage})
		case listFlag:
			out = append(out, &cli.StringSliceFlag{Name: name, Aliases: aliases, Usage: f.usage, KeepSpace: true})
		default:
			out = append(out, &cli.StringFlag{Name: name, Aliases: aliases, Usage: f.usage, Value: value})
		}
	}
	return out
}

// connFlagNamed is the connection flag of that long name; nil for another flag.
func connFlagNamed(name string) *connFlag {
	for i := range connTable {
		if connTable[i].names[0] == name {
			return &connTable[i]
		}
	}
	return nil
}

// connFlagOfKey is the flag a profile key or MQTT_* variable sets; nil for none.
func connFlagOfKey(key string) *connFlag {
	for i := range connTable {
		if key != "" && connTable[i].key == key {
			return &connTable[i]
		}
	}
	return nil
}

// isSettingKey says whether a profile may hold key.
func isSettingKey(key string) bool { return connFlagOfKey(key) != nil }

// connNames are the long names of the connection flags for which is reports true, in the table's
// order. They are listed on use, not at init, which every run pays for.
func connNames(is func(*connFlag) bool) []string {
	var out []string
	for i := range connTable {
		if is(&connTable[i]) {
			out = append(out, connTable[i].names[0])
		}
	}
	return out
}

// What connNames may ask of a flag.
func isSetting(f *connFlag) bool     { return f.key != "" } // a profile or an MQTT_* variable may set it
func isDestination(f *connFlag) bool { return f.destination }
func isPassword(f *connFlag) bool    { return f.password }

// settingFlags are the connection flags a profile or an MQTT_* variable may set. The rest are not about
// where and how to connect (-d, --quiet, -D) or are refused anyway (--psk).
func settingFlags() []string { return connNames(isSetting) }

// settingKey is the name a flag has in a profile and, upper-cased, in MQTT_*.
func settingKey(flag string) string {
	if f := connFlagNamed(flag); f != nil && f.key != "" {
		return f.key
	}
	return flag
}

// envName is the environment variable for a setting key: MQTT_ and the key in upper case, with '_'
// for '-'.
func envName(key string) string {
	return "MQTT_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// isPathFlag says whether the flag called name holds a file or directory.
func isPathFlag(name string) bool {
	f := connFlagNamed(name)
	return f != nil && f.path
}
