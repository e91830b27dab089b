package cmd

import (
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/brokerurl"
	"mqtt/internal/property"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

// connFlags are the connection options every command shares, spelled as in the mosquitto man pages.
// Numbers are read as strings so that a bad value gets mosquitto's message rather than Go's.
func connFlags(defaultVersion string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "host", Aliases: []string{"h"}, Value: "localhost", Usage: "broker host"},
		&cli.StringFlag{Name: "port", Aliases: []string{"p"}, Usage: "broker port (default 1883, 8883 with TLS)"},
		&cli.StringFlag{Name: "url", Aliases: []string{"L"}, Usage: "mqtt(s)|ws(s)://[user[:password]@]host[:port]/topic"},
		&cli.StringFlag{Name: "unix", Usage: "connect through the unix socket `PATH`"},
		&cli.BoolFlag{Name: "ws", Usage: "use MQTT over WebSocket (wss with TLS)"},
		&cli.StringFlag{Name: "ws-path", Value: "/mqtt", Usage: "WebSocket request path"},
		&cli.StringFlag{Name: "A", Usage: "bind the outgoing connection to the local `ADDRESS`"},
		&cli.BoolFlag{Name: "nodelay", Usage: "disable Nagle's algorithm"},
		&cli.StringFlag{Name: "id", Aliases: []string{"i"}, Usage: "client id (default: random)"},
		&cli.StringFlag{Name: "id-prefix", Aliases: []string{"I"}, Usage: "client id prefix; the process id is appended"},
		&cli.StringFlag{Name: "keepalive", Aliases: []string{"k"}, Value: "60", Usage: "keep-alive in seconds"},
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "user name"},
		&cli.StringFlag{Name: "pw", Aliases: []string{"P"}, Usage: "password (visible in ps: prefer --password-file or MQTT_PASSWORD)"},
		&cli.StringFlag{Name: "password-file", Usage: "read the password from the first line of `FILE`"},
		&cli.BoolFlag{Name: "password-prompt", Usage: "ask for the password on the terminal (with -u)"},
		&cli.StringFlag{Name: "profile", Usage: "take connection options from profile `NAME` (default: MQTT_PROFILE, then the file's default)"},
		&cli.BoolFlag{Name: "disable-clean-session", Aliases: []string{"c"}, Usage: "keep the session when disconnected (needs -i)"},
		&cli.StringFlag{Name: "session-expiry-interval", Aliases: []string{"x"}, Usage: "v5 session expiry in seconds, -1 for never"},
		&cli.StringFlag{Name: "protocol-version", Aliases: []string{"V"}, Value: defaultVersion, Usage: "MQTT version: 31, 311 or 5"},
		&cli.StringFlag{Name: "will-topic", Usage: "topic of the last-will message"},
		&cli.StringFlag{Name: "will-payload", Usage: "payload of the last-will message"},
		&cli.StringFlag{Name: "will-qos", Value: "0", Usage: "QoS of the last-will message"},
		&cli.BoolFlag{Name: "will-retain", Usage: "retain the last-will message"},
		&cli.StringFlag{Name: "cafile", Usage: "CA certificates (PEM) to verify the broker; turns TLS on"},
		&cli.StringFlag{Name: "capath", Usage: "directory of CA certificates (PEM); turns TLS on"},
		&cli.StringFlag{Name: "cert", Usage: "client certificate (PEM)"},
		&cli.StringFlag{Name: "key", Usage: "client private key (PEM)"},
		&cli.BoolFlag{Name: "insecure", Usage: "do not check that the broker's certificate names the host"},
		&cli.StringFlag{Name: "tls-version", Usage: "tlsv1.3, tlsv1.2 or tlsv1.1"},
		&cli.StringFlag{Name: "tls-alpn", Usage: "TLS ALPN protocol"},
		&cli.BoolFlag{Name: "tls-use-os-certs", Usage: "verify the broker with the system's CA certificates; turns TLS on"},
		&cli.StringFlag{Name: "proxy", Usage: "SOCKS5 proxy: socks5h://[user[:password]@]host[:port]"},
		&cli.StringSliceFlag{Name: "property", KeepSpace: true, Aliases: []string{"D"}, Usage: "v5 property: COMMAND NAME VALUE (user-property: NAME VALUE)"},
		&cli.BoolFlag{Name: "debug", Aliases: []string{"d"}, Usage: "print every packet sent and received to stderr"},
		&cli.BoolFlag{Name: "quiet", Usage: "print no error messages"},
		&cli.StringFlag{Name: "ciphers", Usage: "not supported (OpenSSL cipher lists)", Hidden: false},
		&cli.StringFlag{Name: "psk", Usage: "not supported (Go's TLS has no PSK)"},
		&cli.StringFlag{Name: "psk-identity", Usage: "not supported (Go's TLS has no PSK)"},
		&cli.StringFlag{Name: "tls-engine", Usage: "not supported (OpenSSL engines)"},
		&cli.StringFlag{Name: "keyform", Usage: "pem (engine is not supported)"},
		&cli.StringFlag{Name: "tls-engine-kpass-sha1", Usage: "not supported (OpenSSL engines)"},
	}
}

// connOptions are the connection flags after parsing, before they become session options.
type connOptions struct {
	Session session.Options
	Props   property.Set
	// URLTopic is the topic part of -L, which the command treats as a -t.
	URLTopic *string
	Quiet    bool
	Debug    bool
	// DebugToStdout is mosquitto's place for -d lines; mqtt's own commands keep stdout for messages.
	DebugToStdout bool
	// PasswordPrompt, when not empty, is the prompt to ask for the password with before connecting
	// (--password-prompt); askPassword asks it.
	PasswordPrompt string
	// DestinationNote says which MQTT_* variables or profile gave where to connect, for an error
	// about connecting; empty when the command line alone did.
	DestinationNote string
}

// propSep joins the words of one -D into one flag value; a NUL cannot occur in a command-line argument.
const propSep = "\x00"

// joinPropertyArgs turns `-D publish user-property k v` into one argument, since a flag parser takes one
// value per flag while mosquitto's -D takes three or four.
func joinPropertyArgs(args []string, takesValue map[string]bool) ([]string, *problem) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if a != "-D" && a != "--property" {
			out = append(out, a)
			if takesValue[a] && !strings.Contains(a, "=") && i+1 < len(args) {
				out = append(out, args[i+1]) // a value, even one that reads "-D"
				i++
			}
			continue
		}
		n := 3
		if i+2 < len(args) && property.Arity(args[i+2]) == 2 {
			n = 4
		}
		if i+n >= len(args) {
			return nil, usageErr(errMissingArg, a, "property")
		}
		out = append(out, a, strings.Join(args[i+1:i+1+n], propSep))
		i += n
	}
	return out, nil
}

// parseConn reads the connection flags, with the MQTT_* variables and the profile under them (see
// resolve), into connOptions.
func parseConn(c *cli.Context, e connEnv) (*connOptions, error) {
	v, err := newConnValues(c, e)
	if err != nil {
		return nil, err
	}
	o, err := v.parse(e)
	if err != nil {
		return nil, withNote(err, v.note(settingFlags))
	}
	o.DestinationNote = v.note(destinationFlags)
	return o, nil
}

func (v *connValues) parse(e connEnv) (*connOptions, error) {
	c := v.c
	o := &connOptions{Quiet: c.Bool("quiet"), Debug: c.Bool("debug")}
	o.Props.Strict = true // mqtt's own commands refuse -D values mosquitto would misread
	s := &o.Session
	for _, name := range []string{"psk", "psk-identity", "tls-engine", "tls-engine-kpass-sha1", "ciphers"} {
		if v.IsSet(name) {
			return nil, usageErr(errNotSupported, "--"+name, notSupportedWhy[name])
		}
	}
	if v.IsSet("keyform") && strings.ToLower(v.String("keyform")) != "pem" {
		return nil, usageErr(errNotSupported, "--keyform "+v.String("keyform"), notSupportedWhy["tls-engine"])
	}

	switch v.String("protocol-version") {
	case "31", "mqttv31":
		s.Version = session.V31
	case "311", "mqttv311":
		s.Version = session.V311
	case "5", "mqttv5":
		s.Version = session.V5
	default:
		return nil, usageErr(errVersion, v.String("protocol-version"))
	}

	d := &s.Dial
	d.Scheme, d.Host = transport.TCP, v.String("host")
	d.BindAddress, d.NoDelay, d.Proxy = v.String("A"), v.Bool("nodelay"), v.String("proxy")
	d.Path = v.String("ws-path")
	d.Timeout = 30 * time.Second
	tlsOpts := transport.TLSOptions{
		CAFile: v.String("cafile"), CAPath: v.String("capath"), CertFile: v.String("cert"), KeyFile: v.String("key"),
		UseOSCerts: v.Bool("tls-use-os-certs"), Insecure: v.insecure(), Version: v.String("tls-version"),
	}
	if a := v.String("tls-alpn"); a != "" {
		tlsOpts.ALPN = []string{a}
	}
	useTLS := tlsOpts.CAFile != "" || tlsOpts.CAPath != "" || tlsOpts.UseOSCerts
	useWS := v.Bool("ws")
	if (tlsOpts.CertFile == "") != (tlsOpts.KeyFile == "") {
		return nil, usageErr(errCertKey)
	}
	switch tlsOpts.Version {
	case "", "tlsv1.3", "tlsv1.2", "tlsv1.1":
	default:
		return nil, usageErr(errTLSVersion, tlsOpts.Version)
	}
	if u := v.String("username"); v.IsSet("username") {
		s.Username = &u
	}
	pw, err := v.passwordSource()
	if err != nil {
		return nil, err
	}

	// A destination given at a higher place wins over one given lower down: -h on the command line
	// over a profile's url, a profile's url over nothing. Given at the same place, -L wins over -h,
	// -p over -L's port and --unix over both, as before there were places.
	port := 0
	if v.IsSet("url") {
		u, fromURL, err := v.url()
		if err != nil {
			return nil, err
		}
		ts := u.Transport()
		if fromURL >= v.from("host") {
			d.Host = u.Host
		}
		port = u.Port
		if port == 0 {
			port = transport.DefaultPort(ts)
		}
		if v.topicFromURL(u, fromURL) {
			o.URLTopic = &u.Topic
		}
		if u.Username != nil {
			if fromURL >= v.from("username") {
				s.Username = u.Username
			}
			if fromURL >= pw.from {
				s.Password, pw = u.Password, passwordSource{flag: "url", from: fromURL}
			}
		}
		urlTLS := ts == transport.TLS || ts == transport.WSS
		useTLS = useTLS || urlTLS
		tlsOpts.UseOSCerts = tlsOpts.UseOSCerts || urlTLS && tlsOpts.CAFile == "" && tlsOpts.CAPath == ""
		useWS = useWS || ts == transport.WS || ts == transport.WSS
	}
	// Read only once -L has had its say: a password file that -L overrides need not exist.
	if pw.flag != "url" {
		if s.Password, err = pw.read(e); err != nil {
			return nil, err
		}
	}
	if v.IsSet("port") && v.from("port") >= v.from("url") {
		p, err := strconv.Atoi(v.String("port"))
		if err != nil || p < 1 || p > 65535 {
			return nil, usageErr(errPort, v.String("port"))
		}
		port = p
	}
	if port == 0 {
		port = 1883
		if useTLS {
			port = 8883
		}
	}
	d.Port = port
	switch {
	case v.IsSet("unix") && v.from("unix") >= max(v.from("host"), v.from("url")):
		d.Scheme, d.UnixPath = transport.Unix, v.String("unix")
	case useWS && useTLS:
		d.Scheme = transport.WSS
	case useWS:
		d.Scheme = transport.WS
	case useTLS:
		d.Scheme = transport.TLS
	}
	if tlsOpts.CertFile != "" && !useTLS {
		// mosquitto ignores them, and the broker would never see the certificate that was meant for it.
		return nil, usageErr(errCertNoTLS)
	}
	if useTLS {
		tlsOpts.ServerName = d.Host
		cfg, err := transport.TLSConfig(tlsOpts)
		if err != nil {
			return nil, err
		}
		d.TLS = cfg
	}

	ka, err := strconv.Atoi(v.String("keepalive"))
	if err != nil || ka < 0 || ka > 65535 || ka > 0 && ka < 5 {
		return nil, usageErr(errKeepAlive, v.String("keepalive"))
	}
	s.KeepAlive = time.Duration(ka) * time.Second

	if v.IsSet("id") && v.IsSet("id-prefix") {
		return nil, usageErr(errIDAndPrefix)
	}
	switch {
	case v.IsSet("id"):
		if v.String("id") == "" {
			return nil, usageErr(errEmptyID)
		}
		s.ClientID = v.String("id")
	case v.IsSet("id-prefix"):
		s.ClientID = v.String("id-prefix") + strconv.Itoa(pid())
	case s.Version == session.V31:
		// MQTT 3.1 requires an id; libmosquitto makes one, as does mqtt.
		s.ClientID = session.RandomClientID()
	}
	// Otherwise the id stays empty and the broker assigns one, as with the mosquitto clients.
	s.CleanSession = !v.Bool("disable-clean-session")
	if !s.CleanSession && !v.IsSet("id") {
		return nil, usageErr(errCleanSessionID)
	}

	given := stringSlice(c, "property")
	for _, p := range given {
		words := strings.Split(p, propSep)
		if len(words) < 3 { // -D=... or a value the rewriting did not join
			return nil, usageErr(errMissingArg, "-D", "property")
		}
		if err := o.Props.Add(words[0], words[1], words[2:]...); err != nil {
			return nil, propertyErr(err)
		}
	}
	if v.IsSet("session-expiry-interval") {
		x := v.String("session-expiry-interval")
		n, err := strconv.ParseInt(x, 10, 64)
		if x == "∞" {
			n, err = -1, nil
		}
		if err != nil || n < -1 || n > 4294967295 {
			return nil, usageErr(errSessionExpiry, x)
		}
		// Like mosquitto, -x is a CONNECT property and means nothing to MQTT 3.1 and 3.1.1.
		if s.Version == session.V5 || len(given) > 0 && !v.IsSet("protocol-version") {
			if err := o.Props.Add("connect", "session-expiry-interval", strconv.FormatUint(uint64(uint32(n)), 10)); err != nil {
				return nil, propertyErr(err)
			}
		}
	}
	if err := o.Props.Check(); err != nil {
		return nil, propertyErr(err)
	}
	// As in mosquitto, properties imply MQTT 5 unless a version is named.
	if len(given) > 0 && !v.IsSet("protocol-version") {
		s.Version = session.V5
	}
	if len(given) > 0 && s.Version != session.V5 {
		return nil, usageErr(errPropertyV5)
	}
	// mosquitto keeps a -c session forever on MQTT 5 unless -x says otherwise; without it the broker
	// would end the session at disconnect and -c would do nothing.
	if !s.CleanSession && s.Version == session.V5 && !o.Props.Has("connect", "session-expiry-interval") {
		if err := o.Props.Add("connect", "session-expiry-interval", "4294967295"); err != nil {
			return nil, propertyErr(err)
		}
	}
	s.ConnectProps = o.Props.Connect

	if s.Password != nil && s.Username == nil && s.Version != session.V5 {
		// MQTT 3.1.1 has no password without a username; mosquitto refuses it too.
		return nil, &problem{id: errPasswordNoUser}
	}
	if err := parseWill(v, o); err != nil {
		return nil, err
	}
	if pw.flag == "password-prompt" && s.Password == nil {
		if o.PasswordPrompt, err = promptLabel(e, s); err != nil {
			return nil, err
		}
	}
	if !o.Quiet {
		v.warnVisiblePassword(e)
	}
	return o, nil
}

// url is -L's value parsed. One from a profile or MQTT_URL may leave out the topic: there it names
// a broker.
func (v *connValues) url() (brokerurl.URL, origin, error) {
	raw, from := v.String("url"), v.from("url")
	u, err := brokerurl.Parse(raw)
	if err == brokerurl.ErrNoTopic && from != fromFlag {
		u, err = brokerurl.Parse(raw + "/")
	}
	switch err {
	case nil:
		return u, from, nil
	case brokerurl.ErrScheme:
		return u, from, usageErr(errURLScheme, brokerurl.Redacted(raw))
	case brokerurl.ErrNoTopic:
		return u, from, usageErr(errURLTopic)
	}
	return u, from, usageErr(errURLPort, brokerurl.Redacted(raw))
}

// topicFromURL says whether -L's topic is a topic of the command: always for -L on the command line,
// as in mosquitto; for a profile's or MQTT_URL's, when it has one and no -t is given.
func (v *connValues) topicFromURL(u brokerurl.URL, from origin) bool {
	return from == fromFlag || u.Topic != "" && !isSet(v.c, "topic")
}

func parseWill(c *connValues, o *connOptions) error {
	wt := c.String("will-topic")
	if !c.IsSet("will-topic") {
		if c.IsSet("will-payload") {
			return usageErr(errWillPayloadNoTopic)
		}
		if c.Bool("will-retain") {
			return usageErr(errWillRetainNoTopic)
		}
		return nil
	}
	if p := checkTopic(wt, false, "--will-topic", errWillTopic); p != nil {
		return p
	}
	q, err := strconv.Atoi(c.String("will-qos"))
	if err != nil || q < 0 || q > 2 {
		return usageErr(errWillQoS, c.String("will-qos"))
	}
	o.Session.Will = &session.Will{
		Topic: wt, Payload: []byte(c.String("will-payload")), QoS: byte(q), Retain: c.Bool("will-retain"),
		Props: o.Props.Will,
	}
	return nil
}

var notSupportedWhy = map[string]string{
	"psk":                   "Go's TLS has no pre-shared keys",
	"psk-identity":          "Go's TLS has no pre-shared keys",
	"tls-engine":            "OpenSSL engines do not exist in Go's TLS",
	"tls-engine-kpass-sha1": "OpenSSL engines do not exist in Go's TLS",
	"ciphers":               "it takes an OpenSSL cipher list, which Go's TLS cannot use; Go picks secure suites itself",
}

// parseQoS reads a -q value.
func parseQoS(s string) (byte, *problem) {
	q, err := strconv.Atoi(s)
	if err != nil || q < 0 || q > 2 {
		return 0, usageErr(errQoS, s)
	}
	return byte(q), nil
}

// propertyErr words a -D problem: the property package has mosquitto's text, "Error: " included.
func propertyErr(err error) *problem {
	text := strings.TrimSpace(err.Error())
	return usageErr(errProperty, strings.TrimPrefix(text, "Error: "))
}
