package mosqargs

import (
	"strings"
)

// parseURL is -L/--url: mqtt:// or mqtts:// (any case; mqtt also takes ws:// and wss://), then [user[:pass]@]host[:port]/topic. It sets the
// port before it can fail, checks the topic before it looks at the rest, and never range-checks the port
// (":70000" fails only at connect, ":abc" is 0 and so a unix socket).
func (ps *parser) parseURL(v string) *failure {
	url := v
	switch {
	case hasPrefixFold(url, "mqtt://"):
		url = url[len("mqtt://"):]
		ps.cfg.Port = 1883
	case hasPrefixFold(url, "mqtts://"):
		url = url[len("mqtts://"):]
		ps.cfg.Port = 8883
		ps.cfg.TLSUseOSCerts = true
	// mqtt's addition, kept in the mosquitto mode because no script relies on these being refused.
	case hasPrefixFold(url, "ws://"):
		url = url[len("ws://"):]
		ps.cfg.Port, ps.cfg.WebSocket = 80, true
	case hasPrefixFold(url, "wss://"):
		url = url[len("wss://"):]
		ps.cfg.Port, ps.cfg.WebSocket, ps.cfg.TLSUseOSCerts = 443, true, true
	default:
		return failMsg(msgURLScheme)
	}
	hostPart, topicPart, ok := strings.Cut(url, "/")
	if !ok {
		return failMsg(msgURLNoTopic)
	}
	if f := ps.addTopic("-L", topicPart); f != nil {
		return f
	}
	if userinfo, rest, ok := strings.Cut(hostPart, "@"); ok {
		user, pass, hasPass := strings.Cut(userinfo, ":")
		if hasPass {
			ps.cfg.Password = ptr(pass)
		}
		ps.cfg.Username = ptr(user)
		hostPart = rest
	}
	host, port, hasPort := strings.Cut(hostPart, ":")
	ps.cfg.Host = host
	ps.hostGiven = true
	if hasPort {
		ps.cfg.Port = atoi(port)
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseProxy is mosquitto__parse_socks_url. Its malformed cases fail without a word (only the usage hint
// follows), and its messages are err_printf ones, silenced by an earlier --quiet.
func (ps *parser) parseProxy(v string) *failure {
	const scheme = "socks5h://"
	if !strings.HasPrefix(v, scheme) {
		return failQuietMsg(msgProxyProtocol, v)
	}
	str := v[len(scheme):]
	silent := failQuietText("")
	var username, password, host, port, usernameOrHost *string
	haveAuth := false
	start := 0
	i := 0
	for ; i < len(str); i++ {
		switch str[i] {
		case ':':
			if i == start {
				return silent
			}
			if haveAuth {
				if host != nil {
					return silent
				}
				host = ptr(str[start:i])
				start = i + 1
			} else if usernameOrHost == nil {
				usernameOrHost = ptr(str[start:i])
				start = i + 1
			}
		case '@':
			if i == start {
				return silent
			}
			haveAuth = true
			if usernameOrHost != nil {
				username, usernameOrHost = usernameOrHost, nil
				password = ptr(str[start:i])
				start = i + 1
			} else {
				if username != nil {
					return silent
				}
				username = ptr(str[start:i])
				start = i + 1
			}
		}
	}
	if i > start {
		rest := ptr(str[start:i])
		switch {
		case host != nil:
			port = rest
		case usernameOrHost != nil:
			host, port = usernameOrHost, rest
		default:
			host = rest
		}
	}
	if host == nil {
		return failQuietMsg(msgProxyInvalid)
	}
	for _, s := range []*string{username, password} {
		if s != nil {
			u, ok := unescapeSocks(*s)
			if !ok {
				return silent
			}
			*s = u
		}
	}
	portNum := 1080
	if port != nil {
		portNum = atoi(*port)
		if portNum < 1 || portNum > 65535 {
			return failQuietMsg(msgProxyPort, portNum)
		}
	}
	ps.cfg.Proxy = &SocksProxy{Host: *host, Port: portNum, Username: username, Password: password}
	return nil
}

// unescapeSocks decodes the three %-escapes mosquitto knows. "%40" gives ':' rather than '@': a bug in
// 2.0.11 kept here on purpose.
func unescapeSocks(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		switch s[i+1 : i+3] {
		case "25":
			b.WriteByte('%')
		case "3A", "3a", "40":
			b.WriteByte(':')
		default:
			return "", false
		}
		i += 2
	}
	return b.String(), true
}
