package brokerurl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"mqtt/internal/transport"
)

func TestParse(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		in   string
		want URL
		err  error
	}{
		{in: "mqtt://localhost/a/b", want: URL{Scheme: "mqtt", Host: "localhost", Topic: "a/b"}},
		{in: "mqtt://h:1884/t", want: URL{Scheme: "mqtt", Host: "h", Port: 1884, Topic: "t"}},
		{in: "MQTTS://u:p%40ss@h/t", want: URL{Scheme: "mqtts", Host: "h", Topic: "t", Username: str("u"), Password: str("p@ss")}},
		{in: "ws://u@h:9001/x", want: URL{Scheme: "ws", Host: "h", Port: 9001, Topic: "x", Username: str("u")}},
		{in: "wss://[::1]:8443/x", want: URL{Scheme: "wss", Host: "::1", Port: 8443, Topic: "x"}},
		{in: "mqtt://h/", want: URL{Scheme: "mqtt", Host: "h"}},
		{in: "ftp://h/t", err: ErrScheme},
		{in: "h/t", err: ErrScheme},
		{in: "mqtt://", err: ErrNoTopic},
		{in: "mqtt://h:x/t", err: ErrPort},
		{in: "mqtt://h:70000/t", err: ErrPort},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if got.Scheme != tt.want.Scheme || got.Host != tt.want.Host || got.Port != tt.want.Port ||
			got.Topic != tt.want.Topic || !eq(got.Username, tt.want.Username) || !eq(got.Password, tt.want.Password) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func eq(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// FuzzParse: Parse never panics; a URL it accepts has a port in range, a known scheme and a host free
// of '/', and reads back the same once written out again; Redacted hides the password without changing
// anything else Parse reads, errors included. (A host may hold '@': like mosquitto, Parse ends the user
// info at the first one.)
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"mqtt://u:p@h:1/t", "ws://[::1]:1/", "mqtts://@:/", "mqtt://%zz@h/t", "mqtt://[a/t", "mqtt://a]/t",
		"mqtt://a:b]/t", "MQTT://u%3Ap:p%40w@h/a/b", "wss://u:@h:65535/#", "mqtt://h:0/t", "mqtt://u:p@h:x/t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		r, rerr := Parse(Redacted(s))
		if rerr != err {
			t.Fatalf("Parse(%q): %v, but Parse(Redacted) = %v", s, err, rerr)
		}
		if err != nil {
			return
		}
		if u.Port < 0 || u.Port > 65535 || strings.Contains(u.Host, "/") {
			t.Fatalf("Parse(%q) = %+v", s, u)
		}
		switch u.Scheme {
		case "mqtt", "mqtts", "ws", "wss":
		default:
			t.Fatalf("Parse(%q): scheme %q", s, u.Scheme)
		}
		again, err := Parse(format(u))
		if err != nil || !same(again, u) {
			t.Fatalf("Parse(%q) = %+v; written as %q it reads %+v, %v", s, u, format(u), again, err)
		}
		want := u
		if u.Password != nil {
			x := "xxxxx"
			want.Password = &x
		}
		if !same(r, want) {
			t.Fatalf("Redacted(%q) = %q reads %+v, want %+v", s, Redacted(s), r, want)
		}
	})
}

// format writes u as a URL Parse reads back as u: user info escaped, an IPv6 host in brackets.
func format(u URL) string {
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if u.Username != nil {
		b.WriteString(escape(*u.Username))
		if u.Password != nil {
			b.WriteString(":" + escape(*u.Password))
		}
		b.WriteString("@")
	}
	if strings.Contains(u.Host, ":") {
		b.WriteString("[" + u.Host + "]")
	} else {
		b.WriteString(u.Host)
	}
	if u.Port != 0 {
		b.WriteString(":" + strconv.Itoa(u.Port))
	}
	return b.String() + "/" + u.Topic
}

// escape writes every byte but letters and digits as %XX.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func same(a, b URL) bool {
	return a.Scheme == b.Scheme && a.Host == b.Host && a.Port == b.Port && a.Topic == b.Topic &&
		eq(a.Username, b.Username) && eq(a.Password, b.Password)
}

func TestTransport(t *testing.T) {
	for scheme, want := range map[string]transport.Scheme{"mqtt": transport.TCP, "mqtts": transport.TLS, "ws": transport.WS, "wss": transport.WSS} {
		u, err := Parse(scheme + "://h/t")
		if err != nil || u.Transport() != want {
			t.Errorf("%s: transport %q, err %v; want %q", scheme, u.Transport(), err, want)
		}
	}
}

func TestRedacted(t *testing.T) {
	cases := map[string]string{
		"mqtt://u:s3cret@h:1883/t":  "mqtt://u:xxxxx@h:1883/t",
		"mqtts://u:s3cret@h":        "mqtts://u:xxxxx@h",
		"socks5h://u:s3cret@h:1080": "socks5h://u:xxxxx@h:1080",
		"mqtt://u@h/t":              "mqtt://u@h/t",
		"mqtt://h/a:b@c":            "mqtt://h/a:b@c",
		"mqtt://h:99999/t":          "mqtt://h:99999/t",
		"no scheme":                 "no scheme",
	}
	for in, want := range cases {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", in, got, want)
		}
	}
}
