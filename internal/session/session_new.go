package session

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// Connect dials the broker and completes the MQTT handshake. A refused CONNACK is a *ConnectError.
// With opts.Reconnect, a connection that drops after this is replaced (see reconnecting); a first
// connection that fails is an error all the same.
func Connect(ctx context.Context, opts Options) (Session, error) {
	out := newOutbound(nil, opts.Version == V5)
	out.version, out.onAck = opts.Version, opts.OnAck
	if opts.OnEvent != nil {
		out.onSubscribed = func(id uint16, codes []byte) { opts.OnEvent(Subscribed{ID: id, Codes: codes}) }
	}
	if opts.OnAck != nil {
		out.sentAt = &sendTimes{}
	}
	out.keep = opts.Reconnect != nil
	out.writeTimeout = opts.KeepAlive * 3 / 2
	s, err := connectOnce(ctx, opts, out)
	if err != nil || opts.Reconnect == nil {
		return s, err
	}
	return newReconnecting(opts, out, s), nil
}

// connectOnce opens one connection over out.
func connectOnce(ctx context.Context, opts Options, out *outbound) (Session, error) {
	conn, err := opts.Dial.Dial(ctx)
	if err != nil {
		return nil, err
	}
	if opts.Debug != nil {
		id := opts.ClientID
		if id == "" {
			id = "(null)" // as libmosquitto prints a client that sent no id
		}
		conn = newTraceConn(conn, opts.Debug, id)
	}
	// A peer that accepts the connection but never answers (not an MQTT port, a stalled broker) is given
	// up on after one and a half keep-alives, as a keep-alive would detect it on a live session.
	if opts.KeepAlive > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.KeepAlive*3/2, &NoConnackError{opts.KeepAlive * 3 / 2})
		defer cancel()
	}
	if opts.Version == V5 {
		opts.ConnectProps = withReceiveMaximum(opts.ConnectProps)
	}
	connect := wire.AppendConnect(nil, connectPacket(opts))
	out.idMu.Lock()
	out.connect = connect
	out.idMu.Unlock()
	if opts.Version == V5 {
		s, err := dialV5(ctx, opts, conn, out)
		if err != nil {
			out.release(nil) // what waited for its CONNACK fails on it instead of waiting for ever
			return nil, err
		}
		return s, nil
	}
	s, err := dialV3(ctx, opts, conn, out)
	if err != nil {
		out.release(nil)
		return nil, err
	}
	return s, nil
}

// RandomClientID makes an id the way libmosquitto does ("mosq-" and 18 letters and digits), so brokers
// and their ACLs see what they saw from the mosquitto clients.
func RandomClientID() string {
	const alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i]&0x7f)%len(alnum)]
	}
	return fmt.Sprintf("mosq-%s", b)
}

// withReceiveMaximum adds wire.DefaultReceiveMaximum (paho.golang sizes a channel by the receive-maximum,
// 65,535 entries without one) to props that lack one, after the properties given, as
// libmosquitto appends its own.
func withReceiveMaximum(p *message.Properties) *message.Properties {
	if p != nil && p.ReceiveMaximum != nil {
		return p
	}
	if p == nil {
		p = &message.Properties{}
	} else {
		p = p.Clone()
	}
	rm := uint16(wire.DefaultReceiveMaximum)
	p.ReceiveMaximum = &rm
	return p
}

// connectPacket is the CONNECT of opts, which the session writes in place of the library's.
func connectPacket(opts Options) *wire.Connect {
	c := &wire.Connect{
		Version: opts.Version, ClientID: opts.ClientID, CleanStart: opts.CleanSession,
		KeepAlive: uint16(opts.KeepAlive / time.Second), Username: opts.Username, Password: opts.Password,
		Props: opts.ConnectProps,
	}
	if w := opts.Will; w != nil {
		c.Will = &wire.Will{Topic: w.Topic, Payload: w.Payload, QoS: w.QoS, Retain: w.Retain, Props: w.Props}
	}
	return c
}
