package broker_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
	"mqtt/internal/transport"
)

// With a password file, only its users get in (and clients with no user name, if allowed); the
// others are refused as mosquitto refuses them: "not authorised", 5 on 3.1 and 3.1.1, 0x87 on 5.
func TestPasswordFile(t *testing.T) {
	users, err := broker.ReadUsers(strings.NewReader("alice:secret\n"))
	if err != nil {
		t.Fatal(err)
	}
	type login struct{ user, password *string }
	str := func(s string) *string { return &s }
	tests := []struct {
		name      string
		anonymous bool
		login     login
		ok        bool
	}{
		{"user", false, login{str("alice"), str("secret")}, true},
		{"wrong password", false, login{str("alice"), str("Secret")}, false},
		{"no password", false, login{str("alice"), nil}, false},
		{"unknown user", false, login{str("bob"), str("secret")}, false},
		{"anonymous", false, login{}, false},
		{"anonymous allowed", true, login{}, true},
		{"wrong password, anonymous allowed", true, login{str("alice"), str("x")}, false},
	}
	for _, tt := range tests {
		b, err := broker.Start(broker.Config{
			Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
			Users:     users, AllowAnonymous: tt.anonymous,
			Limits: broker.Limits{FailedLoginDelay: -1},
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, version := range []byte{3, 4, 5} {
			t.Run(fmt.Sprintf("%s/v%d", tt.name, version), func(t *testing.T) {
				c := dialRaw(t, b.Addr(0), version)
				pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, Connect: packets.ConnectParams{
					ProtocolName: []byte("MQTT"), ClientIdentifier: "auth", Clean: true, Keepalive: 30,
				}}
				if version == 3 {
					pk.Connect.ProtocolName = []byte("MQIsdp")
				}
				if tt.login.user != nil {
					pk.Connect.UsernameFlag, pk.Connect.Username = true, []byte(*tt.login.user)
				}
				if tt.login.password != nil {
					pk.Connect.PasswordFlag, pk.Connect.Password = true, []byte(*tt.login.password)
				}
				c.send(pk)
				ack := c.expect(packets.Connack)
				want := byte(0)
				if !tt.ok {
					want = packets.Err3NotAuthorized.Code
					if version == 5 {
						want = packets.ErrNotAuthorized.Code
					}
				}
				if ack.ReasonCode != want || ack.Properties.ReasonString != "" {
					t.Fatalf("CONNACK %#x %q, want %#x and no reason string", ack.ReasonCode, ack.Properties.ReasonString, want)
				}
			})
		}
		b.Close()
	}
}
