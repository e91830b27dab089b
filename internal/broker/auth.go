package broker

import (
	"crypto/tls"
	"strings"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// access decides who is let in and, with an ACL, what each client may read and publish. It is one
// hook because mochi lets a request through as soon as any hook allows it.
type access struct {
	mqtt.HookBase
	// users, when set, are the only clients let in, with anonymous those sending no user name too.
	users     *Users
	anonymous bool
	// identity holds, by listener id, whether the CN of the client's certificate is its user
	// name, as mosquitto's use_identity_as_username: a client without one is refused there, and
	// the password is not checked.
	identity map[string]bool
	// acl, when set, is checked for every publish, will and delivery; nil allows everything.
	acl *ACL
	// denied is told of each publish or will the ACL drops; nil is silent.
	denied func(cl *mqtt.Client, what, topic string)
	// failDelay holds a refused login's CONNACK back.
	failDelay time.Duration
}

func (h *access) ID() string { return "access" }

// accessEvents leaves out OnPacketRead, OnPacketEncode and OnPublish, which come through packetRoutes.
const accessEvents hookEvents = 1<<mqtt.OnConnectAuthenticate | 1<<mqtt.OnACLCheck | 1<<mqtt.OnSubscribed |
	1<<mqtt.OnSessionEstablish

func (h *access) Provides(b byte) bool { return accessEvents.has(b) }

func (h *access) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	ok := h.authenticate(cl, pk)
	if !ok && h.failDelay > 0 {
		time.Sleep(h.failDelay)
	}
	return ok
}

func (h *access) authenticate(cl *mqtt.Client, pk packets.Packet) bool {
	if h.identity[cl.Net.Listener] {
		cn, ok := peerCommonName(cl)
		if !ok {
			return false
		}
		cl.Properties.Username = []byte(cn)
		return true
	}
	if h.users == nil {
		return true
	}
	if !pk.Connect.UsernameFlag {
		return h.anonymous
	}
	return h.users.Check(string(pk.Connect.Username), string(pk.Connect.Password))
}

// peerCommonName is the CN of the certificate the client presented on a tls or wss listener.
func peerCommonName(cl *mqtt.Client) (string, bool) {
	c, ok := cl.Net.Conn.(interface{ ConnectionState() tls.ConnectionState })
	if !ok {
		return "", false
	}
	certs := c.ConnectionState().PeerCertificates
	if len(certs) == 0 || certs[0].Subject.CommonName == "" {
		return "", false
	}
	return certs[0].Subject.CommonName, true
}

// sysMarker marks a publish to $SYS. mochi ignores one without a word, acknowledgement included,
// so a QoS 1 publisher waits for ever; mosquitto denies it: acknowledged and dropped, 0x87 on
// MQTT 5. Marked, the topic passes mochi's check and is denied here.
const sysMarker = "\x00"

// OnPacketRead marks a publish to $SYS (mochi's test, which ignores case).
func (h *access) OnPacketRead(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Publish && len(pk.TopicName) >= 4 && strings.EqualFold(pk.TopicName[:4], "$SYS") {
		pk.TopicName = sysMarker + pk.TopicName
	}
	return pk, nil
}

// mayWrite reports whether cl may publish to topic.
func (h *access) mayWrite(cl *mqtt.Client, topic string) bool {
	if strings.HasPrefix(topic, sysMarker) {
		return false
	}
	return h.acl == nil || h.acl.allowed(aclClientOf(cl), topic, true)
}

func aclClientOf(cl *mqtt.Client) aclClient {
	return aclClient{id: cl.ID, username: string(cl.Properties.Username), hasUser: cl.Properties.Username != nil}
}

// OnACLCheck is asked by mochi for three things: a publish (write), a subscription's filter and a
// delivery (both read). mosquitto 2.0 checks no subscription against an acl_file: it grants each
// and checks every message delivered. A filter with a wildcard is never a topic, so it is
// granted here; a filter without one is checked as the topic it is, and OnSubscribed grants it
// after all, with no subscription made, since nothing could be delivered on it.
func (h *access) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if !write {
		if h.acl == nil || strings.ContainsAny(topic, "+#") || strings.HasPrefix(topic, "$share/") {
			return true
		}
		return h.acl.allowed(aclClientOf(cl), topic, false)
	}
	// Before MQTT 5 a denied publish is acknowledged and dropped (see publish), where mochi
	// would disconnect; a topic alias is resolved only after this check.
	if cl.Properties.ProtocolVersion < 5 || topic == "" {
		return true
	}
	if !h.mayWrite(cl, topic) {
		h.report(cl, "publish", topic)
		return false
	}
	return true
}

// publish drops what OnACLCheck let through for it: a denied publish is acknowledged as if
// accepted and goes nowhere, as mosquitto does (MQTT 5 QoS 1 and 2 get 0x87 in OnACLCheck).
func (h *access) publish(cl *mqtt.Client, pk *packets.Packet) error {
	if cl.Net.Inline || h.mayWrite(cl, pk.TopicName) {
		return nil
	}
	h.report(cl, "publish", pk.TopicName)
	if cl.Properties.ProtocolVersion == 5 && pk.FixedHeader.Qos == 1 {
		return packets.ErrNotAuthorized
	}
	return packets.CodeSuccessIgnore
}

// OnSubscribed grants the filters without wildcards that OnACLCheck denied: mosquitto grants every
// subscription. mochi sends the slice it passes here as the SUBACK's reason codes.
func (h *access) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	if h.acl == nil {
		return
	}
	for i, f := range pk.Filters {
		if i >= len(codes) || (codes[i] != packets.ErrNotAuthorized.Code && codes[i] != packets.ErrUnspecifiedError.Code) {
			continue
		}
		if validFilter(f.Filter) && !strings.ContainsAny(f.Filter, "+#") && !h.acl.allowed(aclClientOf(cl), f.Filter, false) {
			codes[i] = min(f.Qos, 2)
		}
	}
}

// OnSessionEstablish forgets a will the client may not publish, as mosquitto drops it when it
// would be sent.
func (h *access) OnSessionEstablish(cl *mqtt.Client, _ packets.Packet) {
	if h.acl == nil || atomic.LoadUint32(&cl.Properties.Will.Flag) == 0 {
		return
	}
	if !h.acl.allowed(aclClientOf(cl), cl.Properties.Will.TopicName, true) {
		h.report(cl, "will", cl.Properties.Will.TopicName)
		cl.Properties.Will = mqtt.Will{}
	}
}

func (h *access) report(cl *mqtt.Client, what, topic string) {
	if h.denied != nil {
		h.denied(cl, what, strings.TrimPrefix(topic, sysMarker))
	}
}

// OnPacketEncode words a refusal as mosquitto does: mochi answers bad credentials with 0x86 (bad
// user name or password) and a reason string, mosquitto with 0x87 (not authorized) alone, which is
// what clients and scripts written against mosquitto expect. On 3.1.1 both are return code 5.
func (h *access) OnPacketEncode(_ *mqtt.Client, pk packets.Packet) packets.Packet {
	if pk.FixedHeader.Type == packets.Connack && pk.ProtocolVersion == 5 &&
		pk.ReasonCode == packets.ErrBadUsernameOrPassword.Code {
		pk.ReasonCode = packets.ErrNotAuthorized.Code
		pk.Properties.ReasonString = ""
	}
	return pk
}
