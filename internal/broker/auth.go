package broker

import (
	"bytes"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// passwordAuth lets in the clients whose user name and password are in users, and those that send
// no user name when anonymous is set. Every client let in may publish and subscribe to anything.
type passwordAuth struct {
	mqtt.HookBase
	users     *Users
	anonymous bool
}

func (h *passwordAuth) ID() string { return "password-file" }

func (h *passwordAuth) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck, mqtt.OnPacketEncode}, []byte{b})
}

func (h *passwordAuth) OnConnectAuthenticate(_ *mqtt.Client, pk packets.Packet) bool {
	if !pk.Connect.UsernameFlag {
		return h.anonymous
	}
	return h.users.Check(string(pk.Connect.Username), string(pk.Connect.Password))
}

func (h *passwordAuth) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

// OnPacketEncode words a refusal as mosquitto does: mochi answers bad credentials with 0x86 (bad
// user name or password) and a reason string, mosquitto with 0x87 (not authorized) alone, which is
// what clients and scripts written against mosquitto expect. On 3.1.1 both are return code 5.
func (h *passwordAuth) OnPacketEncode(_ *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type == packets.Connack && pk.ProtocolVersion == 5 &&
		pk.ReasonCode == packets.ErrBadUsernameOrPassword.Code {
		pk.ReasonCode = packets.ErrNotAuthorized.Code
		pk.Properties.ReasonString = ""
	}
	return pk
}
