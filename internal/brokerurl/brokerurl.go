// Package brokerurl parses mosquitto's -L URL, mqtt(s)://[user[:password]@]host[:port]/topic, and the
// WebSocket schemes mqtt adds (ws://, wss://). It is not net/url: mosquitto cuts the string at the first
// '/', '@' and ':' in its own order, and a topic may hold characters a URL path may not.
package brokerurl

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"mqtt/internal/transport"
)

// URL is a parsed -L argument.
type URL struct {
	Scheme   string // mqtt, mqtts, ws or wss
	Username *string
	Password *string
	Host     string
	// Port is 0 when the URL names none; transport.DefaultPort(u.Transport()) is the default.
	Port  int
	Topic string
}

// Errors the caller words for the user.
var (
	ErrScheme  = errors.New("unsupported URL scheme")
	ErrNoTopic = errors.New("topic missing")
	ErrPort    = errors.New("invalid port")
)

// Transport is the transport the URL's scheme names.
func (u URL) Transport() transport.Scheme {
	switch u.Scheme {
	case "mqtts":
		return transport.TLS
	case "ws":
		return transport.WS
	case "wss":
		return transport.WSS
	}
	return transport.TCP
}

// Parse reads s as mosquitto does.
func Parse(s string) (URL, error) {
	var u URL
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return u, ErrScheme
	}
	u.Scheme = strings.ToLower(scheme)
	switch u.Scheme {
	case "mqtt", "mqtts", "ws", "wss":
	default:
		return u, ErrScheme
	}
	authority, topic, ok := strings.Cut(rest, "/")
	if !ok {
		return u, ErrNoTopic
	}
	u.Topic = topic
	if userinfo, host, ok := strings.Cut(authority, "@"); ok {
		user, pass, hasPass := strings.Cut(userinfo, ":")
		user = unescape(user)
		u.Username = &user
		if hasPass {
			pass = unescape(pass)
			u.Password = &pass
		}
		authority = host
	}
	u.Host = authority
	// The last colon separates the port, so a bracketed IPv6 address keeps its own colons.
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.HasSuffix(authority, "]") {
		p, err := strconv.Atoi(authority[i+1:])
		if err != nil || p < 1 || p > 65535 {
			return u, ErrPort
		}
		u.Host, u.Port = authority[:i], p
	}
	// Only a pair of brackets is IPv6 syntax: "]" alone is part of the name (and an invalid one).
	if h, ok := strings.CutPrefix(u.Host, "["); ok && strings.HasSuffix(h, "]") {
		u.Host = strings.TrimSuffix(h, "]")
	}
	return u, nil
}

// unescape decodes %XX in user names and passwords, as mosquitto 2.0 does; an invalid escape is kept.
func unescape(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// Redacted is s with the password in its user info, if any, written as xxxxx, for a message that
// quotes the URL. It reads the URL as Parse does.
func Redacted(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	authority, topic, hasTopic := strings.Cut(rest, "/")
	userinfo, host, ok := strings.Cut(authority, "@")
	if !ok {
		return s
	}
	user, _, hasPass := strings.Cut(userinfo, ":")
	if !hasPass {
		return s
	}
	out := scheme + "://" + user + ":xxxxx@" + host
	if hasTopic {
		out += "/" + topic
	}
	return out
}
