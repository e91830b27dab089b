package wire

import (
	"encoding/binary"

	"mqtt/internal/message"
)

// Property identifiers (MQTT 5 §2.2.2.2), in the order a list without Order is written.
const (
	PropPayloadFormat       = 0x01
	PropMessageExpiry       = 0x02
	PropContentType         = 0x03
	PropResponseTopic       = 0x08
	PropCorrelationData     = 0x09
	PropSubscriptionID      = 0x0b
	PropSessionExpiry       = 0x11
	PropAssignedClientID    = 0x12
	PropServerKeepAlive     = 0x13
	PropAuthMethod          = 0x15
	PropAuthData            = 0x16
	PropRequestProblemInfo  = 0x17
	PropWillDelay           = 0x18
	PropRequestResponseInfo = 0x19
	PropResponseInfo        = 0x1a
	PropServerReference     = 0x1c
	PropReasonString        = 0x1f
	PropReceiveMaximum      = 0x21
	PropTopicAliasMaximum   = 0x22
	PropTopicAlias          = 0x23
	PropMaximumQoS          = 0x24
	PropRetainAvailable     = 0x25
	PropUser                = 0x26
	PropMaximumPacketSize   = 0x27
	PropWildcardSubAvail    = 0x28
	PropSubIDAvailable      = 0x29
	PropSharedSubAvailable  = 0x2a
	maxPropID               = 0x2a
)

// Property lists, by the packet that carries them: what each may hold (MQTT 5 §2.2.2.2).
type PropList byte

const (
	ForConnect PropList = iota
	ForWill
	ForPublish
	ForSubscribe
	ForUnsubscribe
	ForDisconnect
)

var propsFor = [...][]byte{
	ForConnect: {PropSessionExpiry, PropAuthMethod, PropAuthData, PropRequestProblemInfo, PropRequestResponseInfo,
		PropReceiveMaximum, PropTopicAliasMaximum, PropUser, PropMaximumPacketSize},
	ForWill: {PropPayloadFormat, PropMessageExpiry, PropContentType, PropResponseTopic, PropCorrelationData,
		PropWillDelay, PropUser},
	ForPublish: {PropPayloadFormat, PropMessageExpiry, PropContentType, PropResponseTopic, PropCorrelationData,
		PropTopicAlias, PropUser},
	ForSubscribe:   {PropSubscriptionID, PropUser},
	ForUnsubscribe: {PropUser},
	ForDisconnect:  {PropSessionExpiry, PropReasonString, PropServerReference, PropUser},
}

// AppendProps appends the property list of p for the packet list is for, length first. Properties go
// in p.Order, then those it does not list by identifier; what the packet cannot carry is left out. It
// allocates nothing.
func AppendProps(dst []byte, p *message.Properties, list PropList) []byte {
	return appendPropsOfLen(dst, p, list, PropsLen(p, list))
}

// appendPropsOfLen is AppendProps for a list whose length n is known.
func appendPropsOfLen(dst []byte, p *message.Properties, list PropList, n int) []byte {
	dst = AppendVarint(dst, n)
	if n > 0 {
		walkProps(p, list, func(id byte, user int) { dst = appendProp(dst, p, id, user) })
	}
	return dst
}

// PropsLen is the length of the list AppendProps writes, without its length prefix.
func PropsLen(p *message.Properties, list PropList) int {
	n := 0
	if p != nil {
		walkProps(p, list, func(id byte, user int) { n += propSize(p, id, user) })
	}
	return n
}

// walkProps calls f for each property to write, in order; user is the index into p.User of a user
// property.
func walkProps(p *message.Properties, list PropList, f func(id byte, user int)) {
	var done [maxPropID + 1]bool
	user := 0
	// What was given in order is written whatever the packet: the property parser has checked it, as
	// libmosquitto's does before writing a list whole.
	for _, id := range p.Order {
		switch {
		case id > maxPropID || !has(p, id):
		case id == PropUser:
			if user < len(p.User) {
				f(id, user)
				user++
			}
		case !done[id]:
			done[id] = true
			f(id, 0)
		}
	}
	for _, id := range propsFor[list] {
		switch {
		case id == PropUser:
			for ; user < len(p.User); user++ {
				f(id, user)
			}
		case !done[id] && has(p, id):
			f(id, 0)
		}
	}
}

func has(p *message.Properties, id byte) bool {
	switch id {
	case PropPayloadFormat:
		return p.PayloadFormat != nil
	case PropMessageExpiry:
		return p.MessageExpiry != nil
	case PropContentType:
		return p.ContentType != ""
	case PropResponseTopic:
		return p.ResponseTopic != ""
	case PropCorrelationData:
		return p.CorrelationData != nil
	case PropSubscriptionID:
		return len(p.SubscriptionIDs) > 0
	case PropSessionExpiry:
		return p.SessionExpiry != nil
	case PropAuthMethod:
		return p.AuthMethod != ""
	case PropAuthData:
		return p.AuthData != nil
	case PropRequestProblemInfo:
		return p.RequestProblemInfo != nil
	case PropWillDelay:
		return p.WillDelay != nil
	case PropRequestResponseInfo:
		return p.RequestResponseInfo != nil
	case PropServerReference:
		return p.ServerReference != ""
	case PropReasonString:
		return p.ReasonString != ""
	case PropReceiveMaximum:
		return p.ReceiveMaximum != nil
	case PropTopicAliasMaximum:
		return p.TopicAliasMaximum != nil
	case PropTopicAlias:
		return p.TopicAlias != nil
	case PropUser:
		return len(p.User) > 0
	case PropMaximumPacketSize:
		return p.MaximumPacketSize != nil
	case PropAssignedClientID:
		return p.AssignedClientID != ""
	case PropServerKeepAlive:
		return p.ServerKeepAlive != nil
	case PropResponseInfo:
		return p.ResponseInfo != ""
	}
	return byteProp(p, id) != nil
}

// byteProp is the one-byte property id of p, nil when absent or not a one-byte property.
func byteProp(p *message.Properties, id byte) *byte {
	switch id {
	case PropPayloadFormat:
		return p.PayloadFormat
	case PropRequestProblemInfo:
		return p.RequestProblemInfo
	case PropRequestResponseInfo:
		return p.RequestResponseInfo
	case PropMaximumQoS:
		return p.MaximumQoS
	case PropRetainAvailable:
		return p.RetainAvailable
	case PropWildcardSubAvail:
		return p.WildcardSubAvailable
	case PropSubIDAvailable:
		return p.SubIDAvailable
	case PropSharedSubAvailable:
		return p.SharedSubAvailable
	}
	return nil
}

func uint16Prop(p *message.Properties, id byte) *uint16 {
	switch id {
	case PropReceiveMaximum:
		return p.ReceiveMaximum
	case PropTopicAliasMaximum:
		return p.TopicAliasMaximum
	case PropTopicAlias:
		return p.TopicAlias
	case PropServerKeepAlive:
		return p.ServerKeepAlive
	}
	return nil
}

func uint32Prop(p *message.Properties, id byte) *uint32 {
	switch id {
	case PropMessageExpiry:
		return p.MessageExpiry
	case PropSessionExpiry:
		return p.SessionExpiry
	case PropWillDelay:
		return p.WillDelay
	case PropMaximumPacketSize:
		return p.MaximumPacketSize
	}
	return nil
}

func propSize(p *message.Properties, id byte, user int) int {
	switch id {
	case PropPayloadFormat, PropRequestProblemInfo, PropRequestResponseInfo, PropMaximumQoS, PropRetainAvailable,
		PropWildcardSubAvail, PropSubIDAvailable, PropSharedSubAvailable:
		return 2
	case PropReceiveMaximum, PropTopicAliasMaximum, PropTopicAlias, PropServerKeepAlive:
		return 3
	case PropMessageExpiry, PropSessionExpiry, PropWillDelay, PropMaximumPacketSize:
		return 5
	case PropSubscriptionID:
		return 1 + VarintLen(p.SubscriptionIDs[0])
	case PropUser:
		return 5 + len(p.User[user].Key) + len(p.User[user].Value)
	case PropCorrelationData:
		return 3 + len(p.CorrelationData)
	case PropAuthData:
		return 3 + len(p.AuthData)
	}
	return 3 + len(propString(p, id))
}

func propString(p *message.Properties, id byte) string {
	switch id {
	case PropContentType:
		return p.ContentType
	case PropResponseTopic:
		return p.ResponseTopic
	case PropAuthMethod:
		return p.AuthMethod
	case PropServerReference:
		return p.ServerReference
	case PropReasonString:
		return p.ReasonString
	case PropAssignedClientID:
		return p.AssignedClientID
	case PropResponseInfo:
		return p.ResponseInfo
	}
	return ""
}

func appendProp(dst []byte, p *message.Properties, id byte, user int) []byte {
	dst = append(dst, id)
	if v := byteProp(p, id); v != nil {
		return append(dst, *v)
	}
	if v := uint16Prop(p, id); v != nil {
		return binary.BigEndian.AppendUint16(dst, *v)
	}
	if v := uint32Prop(p, id); v != nil {
		return binary.BigEndian.AppendUint32(dst, *v)
	}
	switch id {
	case PropSubscriptionID:
		return AppendVarint(dst, p.SubscriptionIDs[0])
	case PropUser:
		return AppendString(AppendString(dst, p.User[user].Key), p.User[user].Value)
	case PropCorrelationData:
		return appendBinary(dst, p.CorrelationData)
	case PropAuthData:
		return appendBinary(dst, p.AuthData)
	}
	return AppendString(dst, propString(p, id))
}

// AppendString appends a UTF-8 string field: its two-byte length, then its bytes.
func AppendString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(s)))
	return append(dst, s...)
}

func appendBinary(dst, b []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(b)))
	return append(dst, b...)
}
