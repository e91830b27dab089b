package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/brokerurl"
	"mqtt/internal/connspec"
	"mqtt/internal/message"
	"mqtt/internal/property"
	"mqtt/internal/session"
	"mqtt/internal/transport"
)

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

// receiveMaximum makes a v5 CONNECT say it takes at most n messages in flight, unless -D gave a
// receive-maximum: mosquitto_sub -C and mosquitto_rr ask for no more than they will print.
func (conn *connOptions) receiveMaximum(n uint16) { connspec.ReceiveMaximum(&conn.Session, n) }

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
			if takesValue[dashless(a)] && !strings.Contains(a, "=") && i+1 < len(args) {
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
		return nil, withNote(err, v.note(settingFlags()))
	}
	o.DestinationNote = v.note(connNames(isDestination))
	return o, nil
}

func (v *connValues) parse(e connEnv) (*connOptions, error) {
	o := &connOptions{Quiet: v.c.Bool("quiet"), Debug: v.c.Bool("debug")}
	o.Props.Strict = true // mqtt's own commands refuse -D values mosquitto would misread
	if err := v.refuseUnsupported(); err != nil {
		return nil, err
	}
	var st connspec.Settings
	var err error
	if st.Version, err = v.version(); err != nil {
		return nil, err
	}
	st.Host, st.BindAddress, st.NoDelay, st.Proxy = v.String("host"), v.String("A"), v.Bool("nodelay"), v.String("proxy")
	st.WebSocket, st.WSPath = v.Bool("ws"), v.String("ws-path")
	if st.TLS, err = v.tlsSettings(); err != nil {
		return nil, err
	}
	if u := v.String("username"); v.IsSet("username") {
		st.Username = &u
	}
	pw, err := v.passwordSource()
	if err != nil {
		return nil, err
	}
	if err := v.urlSettings(&st, o, &pw); err != nil {
		return nil, err
	}
	// Read only once -L has had its say: a password file that -L overrides need not exist.
	if pw.flag != "url" {
		if st.Password, err = pw.read(e); err != nil {
			return nil, err
		}
	}
	if err := v.addressSettings(&st); err != nil {
		return nil, err
	}
	if err := v.sessionSettings(&st); err != nil {
		return nil, err
	}
	if err := v.properties(&st, o); err != nil {
		return nil, err
	}
	if st.Password != nil && st.Username == nil && st.Version != session.V5 {
		// MQTT 3.1.1 has no password without a username; mosquitto refuses it too.
		return nil, &problem{id: errPasswordNoUser}
	}
	if st.Will, err = parseWill(v, o.Props.Will); err != nil {
		return nil, err
	}
	o.Session, err = connspec.Build(st, connspec.Native)
	switch {
	case errors.Is(err, connspec.ErrCertWithoutTLS):
		// mosquitto ignores them, and the broker would never see the certificate that was meant for it.
		return nil, usageErr(errCertNoTLS)
	case err != nil:
		return nil, err
	}
	if pw.flag == "password-prompt" && st.Password == nil {
		if o.PasswordPrompt, err = promptLabel(e, &o.Session); err != nil {
			return nil, err
		}
	}
	if !o.Quiet {
		v.warnVisiblePassword(e)
	}
	return o, nil
}

// refuseUnsupported refuses the flags mqtt cannot honour, in the order of the table.
func (v *connValues) refuseUnsupported() error {
	for _, f := range connTable {
		name := f.names[0]
		if f.unsupported == "" || !v.IsSet(name) {
			continue
		}
		given := "--" + name
		if name == "keyform" {
			if strings.ToLower(v.String(name)) == "pem" {
				continue
			}
			given += " " + v.String(name)
		}
		return usageErr(errNotSupported, given, f.unsupported)
	}
	return nil
}

func (v *connValues) version() (byte, error) {
	switch v.String("protocol-version") {
	case "31", "mqttv31":
		return session.V31, nil
	case "311", "mqttv311":
		return session.V311, nil
	case "5", "mqttv5":
		return session.V5, nil
	}
	return 0, usageErr(errVersion, v.String("protocol-version"))
}

func (v *connValues) tlsSettings() (connspec.TLS, error) {
	t := connspec.TLS{
		CAFile: v.String("cafile"), CAPath: v.String("capath"), CertFile: v.String("cert"), KeyFile: v.String("key"),
		OSCerts: v.Bool("tls-use-os-certs"), Insecure: v.insecure(), Version: v.String("tls-version"), ALPN: v.String("tls-alpn"),
	}
	t.On = t.CAFile != "" || t.CAPath != "" || t.OSCerts
	t.Off = v.Bool("no-tls")
	if path := v.String("tls-keylog"); path != "" && !t.Off {
		if err := transport.KeyLogFile(path).Check(); err != nil {
			return t, &problem{id: errPubOption, args: []any{fmt.Sprintf("--tls-keylog: %v.", err)}}
		}
		t.KeyLog = transport.KeyLogFile(path)
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return t, usageErr(errCertKey)
	}
	switch t.Version {
	case "", "tlsv1.3", "tlsv1.2", "tlsv1.1":
	default:
		return t, usageErr(errTLSVersion, t.Version)
	}
	return t, nil
}

// urlSettings takes what -L says. A destination given at a higher place wins over one given lower down:
// -h on the command line over a profile's url, a profile's url over nothing. Given at the same place,
// -L wins over -h, -p over -L's port and --unix over both (addressSettings), as before there were places.
func (v *connValues) urlSettings(st *connspec.Settings, o *connOptions, pw *passwordSource) error {
	if !v.IsSet("url") {
		return nil
	}
	u, fromURL, err := v.url()
	if err != nil {
		return err
	}
	ts := u.Transport()
	if fromURL >= v.from("host") {
		st.Host = u.Host
	}
	st.Port = u.Port
	if st.Port == 0 {
		st.Port = transport.DefaultPort(ts)
	}
	if v.topicFromURL(u, fromURL) {
		o.URLTopic = &u.Topic
	}
	if u.Username != nil {
		if fromURL >= v.from("username") {
			st.Username = u.Username
		}
		if fromURL >= pw.from {
			st.Password, *pw = u.Password, passwordSource{flag: "url", from: fromURL}
		}
	}
	urlTLS := ts == transport.TLS || ts == transport.WSS
	st.TLS.On = st.TLS.On || urlTLS
	st.TLS.OSCerts = st.TLS.OSCerts || urlTLS && st.TLS.CAFile == "" && st.TLS.CAPath == ""
	st.WebSocket = st.WebSocket || ts == transport.WS || ts == transport.WSS
	return nil
}

// addressSettings takes -p and --unix, where they are given at a place no lower than -L's and -h's.
func (v *connValues) addressSettings(st *connspec.Settings) error {
	if v.IsSet("port") && v.from("port") >= v.from("url") {
		p, err := strconv.Atoi(v.String("port"))
		if err != nil || p < 1 || p > 65535 {
			return usageErr(errPort, v.String("port"))
		}
		st.Port = p
	}
	if v.IsSet("unix") && v.from("unix") >= max(v.from("host"), v.from("url")) {
		st.Unix, st.UnixPath = true, v.String("unix")
	}
	return nil
}

// sessionSettings takes the keep-alive, the client id and the clean-session flag.
func (v *connValues) sessionSettings(st *connspec.Settings) error {
	ka, err := strconv.Atoi(v.String("keepalive"))
	if err != nil || ka < 0 || ka > 65535 || ka > 0 && ka < 5 {
		return usageErr(errKeepAlive, v.String("keepalive"))
	}
	st.KeepAlive = time.Duration(ka) * time.Second

	if v.IsSet("id") && v.IsSet("id-prefix") {
		return usageErr(errIDAndPrefix)
	}
	switch {
	case v.IsSet("id"):
		id := v.String("id")
		if id == "" {
			return usageErr(errEmptyID)
		}
		st.ClientID = &id
	case v.IsSet("id-prefix"):
		prefix := v.String("id-prefix")
		st.IDPrefix = &prefix
	}
	// Otherwise the id stays empty and the broker assigns one, as with the mosquitto clients.
	st.CleanSession = !v.Bool("disable-clean-session")
	if !st.CleanSession && !v.IsSet("id") {
		return usageErr(errCleanSessionID)
	}
	return nil
}

// properties reads -D and -x into o.Props, and what they imply for the version and CONNECT into st.
func (v *connValues) properties(st *connspec.Settings, o *connOptions) error {
	given := stringSlice(v.c, "property")
	for _, p := range given {
		words := strings.Split(p, propSep)
		if len(words) < 3 { // -D=... or a value the rewriting did not join
			return usageErr(errMissingArg, "-D", "property")
		}
		if err := o.Props.Add(words[0], words[1], words[2:]...); err != nil {
			return propertyErr(err)
		}
	}
	// As in mosquitto (-x since 2.1), properties and -x imply MQTT 5 unless a version is named.
	if (len(given) > 0 || v.IsSet("session-expiry-interval")) && !v.IsSet("protocol-version") {
		st.Version = session.V5
	}
	if v.IsSet("session-expiry-interval") {
		x := v.String("session-expiry-interval")
		n, err := strconv.ParseInt(x, 10, 64)
		if x == "∞" {
			n, err = -1, nil
		}
		if err != nil || n < -1 || n > 4294967295 {
			return usageErr(errSessionExpiry, x)
		}
		// Like mosquitto, -x is a CONNECT property and means nothing to MQTT 3.1 and 3.1.1 (-V 311 -x 60).
		if st.Version == session.V5 {
			if err := o.Props.Add("connect", "session-expiry-interval", strconv.FormatUint(uint64(uint32(n)), 10)); err != nil {
				return propertyErr(err)
			}
		}
	}
	if err := o.Props.Check(); err != nil {
		return propertyErr(err)
	}
	if len(given) > 0 && st.Version != session.V5 {
		return usageErr(errPropertyV5)
	}
	// mosquitto keeps a -c session forever on MQTT 5 unless -x says otherwise; without it the broker
	// would end the session at disconnect and -c would do nothing.
	if !st.CleanSession && st.Version == session.V5 && !o.Props.Has("connect", "session-expiry-interval") {
		if err := o.Props.Add("connect", "session-expiry-interval", "4294967295"); err != nil {
			return propertyErr(err)
		}
	}
	st.ConnectProps = o.Props.Connect
	return nil
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

func parseWill(c *connValues, props *message.Properties) (*session.Will, error) {
	wt := c.String("will-topic")
	if !c.IsSet("will-topic") {
		if c.IsSet("will-payload") {
			return nil, usageErr(errWillPayloadNoTopic)
		}
		if c.Bool("will-retain") {
			return nil, usageErr(errWillRetainNoTopic)
		}
		return nil, nil
	}
	if p := checkTopic(wt, false, "--will-topic", errWillTopic); p != nil {
		return nil, p
	}
	q, err := strconv.Atoi(c.String("will-qos"))
	if err != nil || q < 0 || q > 2 {
		return nil, usageErr(errWillQoS, c.String("will-qos"))
	}
	return &session.Will{
		Topic: wt, Payload: []byte(c.String("will-payload")), QoS: byte(q), Retain: c.Bool("will-retain"), Props: props,
	}, nil
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
