// Package message holds the MQTT message as the rest of mqtt sees it. The two paho libraries have types of
// their own; those never leave the session adapters, so that format/ and the commands work the same on
// MQTT 3.1, 3.1.1 and 5.
package message

import "time"

// Message is one PUBLISH, received or to be sent.
type Message struct {
	Topic   string
	Payload []byte
	QoS     byte
	Retain  bool
	Dup     bool
	// MID is the packet identifier (0 for QoS 0).
	MID uint16
	// Props is nil on MQTT 3.1 and 3.1.1, and on v5 messages that carry no properties.
	Props *Properties
	// Received is when the session handed the message out; zero for outgoing messages.
	Received time.Time
}

// UserProperty is one v5 user property. A packet may carry the same name more than once, and order matters,
// so they are kept as a list, never a map.
type UserProperty struct {
	Key, Value string
}

// Properties is the union of the MQTT 5 properties that mqtt reads or sends. A nil pointer or empty value
// means "absent", which the protocol distinguishes from zero.
type Properties struct {
	PayloadFormat        *byte
	MessageExpiry        *uint32
	ContentType          string
	ResponseTopic        string
	CorrelationData      []byte
	SubscriptionIDs      []int
	SessionExpiry        *uint32
	AssignedClientID     string
	ServerKeepAlive      *uint16
	AuthMethod           string
	AuthData             []byte
	RequestProblemInfo   *byte
	WillDelay            *uint32
	RequestResponseInfo  *byte
	ResponseInfo         string
	ServerReference      string
	ReasonString         string
	ReceiveMaximum       *uint16
	TopicAliasMaximum    *uint16
	TopicAlias           *uint16
	MaximumQoS           *byte
	RetainAvailable      *byte
	MaximumPacketSize    *uint32
	WildcardSubAvailable *byte
	SubIDAvailable       *byte
	SharedSubAvailable   *byte
	User                 []UserProperty
	// Order is the identifiers of the properties in the order they were given, 0x26 once per entry of
	// User: mosquitto's clients write properties in command-line order, and a broker forwards them as
	// it got them. Properties it does not list are written after those it does, by identifier.
	Order []byte
}

// Clone returns a deep copy, so that a template can be reused per message without sharing slices.
func (p *Properties) Clone() *Properties {
	if p == nil {
		return nil
	}
	c := *p
	c.CorrelationData = append([]byte(nil), p.CorrelationData...)
	c.AuthData = append([]byte(nil), p.AuthData...)
	c.SubscriptionIDs = append([]int(nil), p.SubscriptionIDs...)
	c.User = append([]UserProperty(nil), p.User...)
	c.Order = append([]byte(nil), p.Order...)
	return &c
}
