package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	pahov3 "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// v3 is the MQTT 3.1 and 3.1.1 adapter over paho.mqtt.golang.
type v3 struct {
	c      pahov3.Client
	server ServerInfo
	out    *outbound
	life   lifetime
}

func dialV3(ctx context.Context, opts Options, conn net.Conn, out *outbound) (*v3, error) {
	hold := out.attach(conn)
	s := &v3{out: out}
	s.life.init()
	in := newInbound(conn, opts, s.out)
	in.hold = hold
	// The keep-alive is ours (pinger), not paho's: paho's gives up on a PINGRESP that a busy reader has
	// not read yet. Its CONNECT, which would say 0, is replaced by ours (out.connect). paho counted only
	// its own packets (CONNECT, PINGREQ, CONNACK, PINGRESP; every PUBLISH and acknowledgement is ours),
	// and so does the pinger here: a ping every keep-alive.
	ping := &pinger{busy: in.busy, failed: func(err error) {
		s.life.lost(err)
		_ = conn.Close() // paho's reader ends, and paho with it
	}}
	in.onPingresp = ping.PingResp
	o := pahov3.NewClientOptions()
	// The broker URL is only a label: the connection is already open and handed over below.
	o.AddBroker("tcp://" + net.JoinHostPort(opts.Dial.Host, fmt.Sprint(opts.Dial.Port)))
	used := false
	o.SetCustomOpenConnectionFn(func(*url.URL, pahov3.ClientOptions) (net.Conn, error) {
		if used {
			return nil, errors.New("reconnecting is not supported by this session")
		}
		used = true
		return in, nil
	})
	o.SetProtocolVersion(uint(opts.Version))
	o.SetClientID(opts.ClientID)
	o.SetCleanSession(opts.CleanSession)
	o.SetKeepAlive(0)
	o.SetAutoReconnect(false)
	o.SetConnectRetry(false)
	o.SetOrderMatters(true)
	// paho applies this as a write deadline on CONNECT; the caller's context bounds the wait instead.
	o.SetConnectTimeout(time.Hour)
	o.SetWriteTimeout(0)
	if opts.Username != nil {
		o.SetUsername(*opts.Username)
	}
	if opts.Password != nil {
		o.SetPassword(*opts.Password)
	}
	if w := opts.Will; w != nil {
		o.SetBinaryWill(w.Topic, w.Payload, w.QoS, w.Retain)
	}
	// inbound delivers and acknowledges every PUBLISH; paho never sees one.
	o.SetDefaultPublishHandler(func(pahov3.Client, pahov3.Message) {})
	o.SetConnectionLostHandler(func(_ pahov3.Client, err error) { s.life.lost(s.out.cause(err)) })
	s.c = pahov3.NewClient(o)

	tok := s.c.Connect()
	if err := waitToken(ctx, tok, s.life.done); err != nil {
		if f := s.out.cause(nil); f != nil {
			s.c.Disconnect(0)
			return nil, f
		}
		ct := tok.(*pahov3.ConnectToken)
		if rc := ct.ReturnCode(); rc != packets.Accepted && rc < packets.ErrNetworkError {
			return nil, &ConnectError{Version: opts.Version, Code: rc}
		}
		s.c.Disconnect(0)
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return nil, fmt.Errorf("waiting for CONNACK: %w", err)
	}
	s.server = ServerInfo{SessionPresent: tok.(*pahov3.ConnectToken).SessionPresent(), ClientID: opts.ClientID}
	size := opts.MaxInflight
	if size <= 0 {
		size = wire.InflightQoS2
	}
	if s.out.window == nil {
		s.out.start(size, 0)
	}
	go func() { _ = ping.run(s.life.done, in, opts.KeepAlive) }()
	return s, nil
}

// waitToken waits on a paho token without token.Wait, which can hang (paho.mqtt.golang#613).
func waitToken(ctx context.Context, t pahov3.Token, done <-chan struct{}) error {
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
		select {
		case <-t.Done():
			return t.Error()
		default:
			return errConnectionLost
		}
	}
}

func (s *v3) Publish(ctx context.Context, m *message.Message) error {
	return s.life.wrap(s.out.publish(ctx, m, s.life.done))
}

func (s *v3) Flush() error { return s.life.wrap(s.out.flush()) }

func (s *v3) Drain(ctx context.Context) DeliveryReport {
	_ = s.out.flush()
	return s.out.window.drain(ctx, s.life.done)
}

func (s *v3) Subscribe(ctx context.Context, subs []Subscription, _ *message.Properties) ([]byte, error) {
	return subscribe(ctx, s.out, s.life.done, false, subs, nil, nil, nil, s.life.wrap)
}

func (s *v3) SubscribeThenUnsubscribe(ctx context.Context, subs []Subscription, _ *message.Properties, unsubs []string, _ *message.Properties) ([]byte, error) {
	return subscribe(ctx, s.out, s.life.done, false, subs, nil, unsubs, nil, s.life.wrap)
}

func (s *v3) Unsubscribe(ctx context.Context, filters []string, _ *message.Properties) error {
	return unsubscribe(ctx, s.out, s.life.done, false, filters, nil, s.life.wrap)
}

func (s *v3) Disconnect(ctx context.Context, _ *message.Properties) error {
	_ = s.out.flush()
	s.life.closing()
	s.out.setDisconnect(wire.AppendDisconnect(nil, false, 0, nil))
	s.c.Disconnect(250)
	s.life.lost(nil)
	return nil
}

func (s *v3) Done() <-chan struct{} { return s.life.done }
func (s *v3) Err() error            { return s.life.error() }
func (s *v3) Server() ServerInfo    { return s.server }
