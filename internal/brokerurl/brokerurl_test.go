package brokerurl

import (
	"errors"
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

func FuzzParse(f *testing.F) {
	for _, s := range []string{"mqtt://u:p@h:1/t", "ws://[::1]:1/", "mqtts://@:/", "mqtt://%zz@h/t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err == nil && (u.Port < 0 || u.Port > 65535) {
			t.Fatalf("Parse(%q) gave port %d", s, u.Port)
		}
	})
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
