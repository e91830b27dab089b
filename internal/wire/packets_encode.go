package wire

import (
	"encoding/binary"

	"mqtt/internal/message"
)

// The packets a client writes, byte for byte as libmosquitto 2.0.11 writes them (lib/send_connect.c,
// send_subscribe.c, send_unsubscribe.c, send_disconnect.c, send_mosq.c), so that a broker and whatever it
// forwards to sees from mqtt what it saw from mosquitto's clients.

// Will is the will of a CONNECT.
type Will struct {
	Topic   string
	Payload []byte
	QoS     byte
	Retain  bool
	Props   *message.Properties
}

// Connect is what a CONNECT says.
type Connect struct {
	// Version is the protocol level: 3 (MQTT 3.1), 4 (3.1.1) or 5.
	Version            byte
	ClientID           string
	CleanStart         bool
	KeepAlive          uint16
	Username, Password *string
	Will               *Will
	// Props are the v5 CONNECT properties, written in their Order.
	Props *message.Properties
}

// AppendConnect appends the CONNECT c.
func AppendConnect(dst []byte, c *Connect) []byte {
	v5 := c.Version == 5
	name := "MQTT"
	if c.Version == 3 {
		name = "MQIsdp"
	}
	flags := byte(0)
	if c.CleanStart {
		flags |= 0x02
	}
	if w := c.Will; w != nil {
		flags |= 0x04 | (w.QoS&3)<<3
		if w.Retain {
			flags |= 0x20
		}
	}
	if c.Password != nil {
		flags |= 0x40
	}
	if c.Username != nil {
		flags |= 0x80
	}
	n := 2 + len(name) + 4 + 2 + len(c.ClientID)
	if v5 {
		pl := PropsLen(c.Props, ForConnect)
		n += VarintLen(pl) + pl
	}
	if w := c.Will; w != nil {
		n += 4 + len(w.Topic) + len(w.Payload)
		if v5 {
			pl := PropsLen(w.Props, ForWill)
			n += VarintLen(pl) + pl
		}
	}
	if c.Username != nil {
		n += 2 + len(*c.Username)
	}
	if c.Password != nil {
		n += 2 + len(*c.Password)
	}
	dst = AppendVarint(append(dst, TypeConnect<<4), n)
	dst = AppendString(dst, name)
	dst = append(dst, c.Version, flags)
	dst = binary.BigEndian.AppendUint16(dst, c.KeepAlive)
	if v5 {
		dst = AppendProps(dst, c.Props, ForConnect)
	}
	dst = AppendString(dst, c.ClientID)
	if w := c.Will; w != nil {
		if v5 {
			dst = AppendProps(dst, w.Props, ForWill)
		}
		dst = AppendString(dst, w.Topic)
		dst = appendBinary(dst, w.Payload)
	}
	if c.Username != nil {
		dst = AppendString(dst, *c.Username)
	}
	if c.Password != nil {
		dst = AppendString(dst, *c.Password)
	}
	return dst
}

// Subscription is one filter of a SUBSCRIBE and its options.
type Subscription struct {
	Filter            string
	QoS               byte
	NoLocal           bool
	RetainAsPublished bool
	RetainHandling    byte
}

// options is the byte after the filter: the QoS alone before MQTT 5, as libmosquitto drops the rest.
func (s Subscription) options(v5 bool) byte {
	o := s.QoS & 3
	if !v5 {
		return o
	}
	if s.NoLocal {
		o |= 0x04
	}
	if s.RetainAsPublished {
		o |= 0x08
	}
	return o | (s.RetainHandling&3)<<4
}

// AppendSubscribe appends one SUBSCRIBE with every filter of subs, in order.
func AppendSubscribe(dst []byte, v5 bool, id uint16, subs []Subscription, props *message.Properties) []byte {
	n := 2
	for _, s := range subs {
		n += 3 + len(s.Filter)
	}
	if v5 {
		pl := PropsLen(props, ForSubscribe)
		n += VarintLen(pl) + pl
	}
	dst = AppendVarint(append(dst, TypeSubscribe<<4|2), n)
	dst = binary.BigEndian.AppendUint16(dst, id)
	if v5 {
		dst = AppendProps(dst, props, ForSubscribe)
	}
	for _, s := range subs {
		dst = append(AppendString(dst, s.Filter), s.options(v5))
	}
	return dst
}

// AppendUnsubscribe appends one UNSUBSCRIBE with the filters, in order.
func AppendUnsubscribe(dst []byte, v5 bool, id uint16, filters []string, props *message.Properties) []byte {
	n := 2
	for _, f := range filters {
		n += 2 + len(f)
	}
	if v5 {
		pl := PropsLen(props, ForUnsubscribe)
		n += VarintLen(pl) + pl
	}
	dst = AppendVarint(append(dst, TypeUnsubscribe<<4|2), n)
	dst = binary.BigEndian.AppendUint16(dst, id)
	if v5 {
		dst = AppendProps(dst, props, ForUnsubscribe)
	}
	for _, f := range filters {
		dst = AppendString(dst, f)
	}
	return dst
}

// AppendDisconnect appends a DISCONNECT: on v5 with a reason code and properties only when there is
// something other than success to say (`e0 00`), as libmosquitto writes it.
func AppendDisconnect(dst []byte, v5 bool, reason byte, props *message.Properties) []byte {
	pl := PropsLen(props, ForDisconnect)
	if !v5 || reason == 0 && pl == 0 {
		return append(dst, TypeDisconnect<<4, 0)
	}
	dst = AppendVarint(append(dst, TypeDisconnect<<4), 1+VarintLen(pl)+pl)
	dst = append(dst, reason)
	return AppendProps(dst, props, ForDisconnect)
}

// Suback reads a SUBACK or UNSUBACK body: its packet id and the reason codes (none for a v3 UNSUBACK).
func Suback(body []byte, v5 bool) (id uint16, codes []byte, err error) {
	if len(body) < 2 {
		return 0, nil, errShortAck
	}
	id = binary.BigEndian.Uint16(body)
	rest := body[2:]
	if v5 {
		pl, n, err := varint(rest)
		if err != nil || n == 0 || n+pl > len(rest) {
			return 0, nil, errShortAck
		}
		rest = rest[n+pl:]
	}
	return id, rest, nil
}
