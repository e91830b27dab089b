package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"github.com/eclipse/paho.golang/paho/session/state"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// v5 is the MQTT 5 adapter over paho.golang.
type v5 struct {
	c      *paho.Client
	opts   Options
	server ServerInfo
	out    *outbound
	life   lifetime
}

func dialV5(ctx context.Context, opts Options, conn net.Conn, out *outbound) (*v5, error) {
	hold := out.attach(conn)
	s := &v5{opts: opts, out: out}
	s.life.init()
	in := newInbound(conn, opts, s.out)
	in.hold = hold
	pc := newPacketConn(in)
	cfg := paho.ClientConfig{
		Conn:          pc,
		Session:       state.NewInMemory(),
		PacketTimeout: 24 * time.Hour, // every wait is bounded by the caller's context instead
		PingHandler:   &pinger{failed: func(err error) { s.life.lost(err) }, busy: in.busy},
		// inbound delivers and acknowledges every PUBLISH; paho never sees one.
		OnClientError: func(err error) { s.life.lost(s.out.cause(err)) },
		OnServerDisconnect: func(d *paho.Disconnect) {
			s.life.lost(disconnectError(d, opts.ClientID))
			// Every acknowledgement before the DISCONNECT has been counted, and paho reads no more: a drain
			// must not wait for the reader to notice.
			s.out.readerStopped()
		},
	}
	s.c = paho.NewClient(cfg)

	cp := &paho.Connect{
		ClientID:   opts.ClientID,
		CleanStart: opts.CleanSession,
		KeepAlive:  uint16(opts.KeepAlive / time.Second),
	}
	if opts.Username != nil {
		cp.UsernameFlag, cp.Username = true, *opts.Username
	}
	if opts.Password != nil {
		cp.PasswordFlag, cp.Password = true, []byte(*opts.Password)
	}
	// The CONNECT on the wire is ours (out.connect); paho reads its own for the receive maximum, which
	// sizes a channel of its, and the keep-alive.
	if pp := toPacket(opts.ConnectProps); pp != nil {
		cp.InitProperties(pp)
	}
	ca, err := s.c.Connect(ctx, cp)
	if err != nil {
		if f := s.out.cause(nil); f != nil {
			return nil, f
		}
		if ca != nil && wire.Failed(ca.ReasonCode) {
			ce := &ConnectError{Version: V5, Code: ca.ReasonCode}
			if ca.Properties != nil {
				ce.Reason = ca.Properties.ReasonString
			}
			return nil, ce
		}
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return nil, fmt.Errorf("waiting for CONNACK: %w", err)
	}
	s.server = ServerInfo{SessionPresent: ca.SessionPresent, ClientID: opts.ClientID}
	if ca.Properties != nil {
		s.server.Props = connackProps(ca.Properties)
		if ca.Properties.AssignedClientID != "" {
			s.server.ClientID = ca.Properties.AssignedClientID
		}
	}
	var maxPacket uint32
	if ca.Properties != nil && ca.Properties.MaximumPacketSize != nil {
		maxPacket = *ca.Properties.MaximumPacketSize
	}
	limit := opts.MaxInflight
	if limit <= 0 {
		limit = wire.InflightQoS2
	}
	if ca.Properties != nil && ca.Properties.ReceiveMaximum != nil && int(*ca.Properties.ReceiveMaximum) < limit {
		limit = int(*ca.Properties.ReceiveMaximum)
	}
	if s.out.window == nil {
		s.out.start(limit, maxPacket)
	}
	return s, nil
}

func (s *v5) Publish(ctx context.Context, m *message.Message) error {
	return s.life.wrap(s.out.publish(ctx, m, s.life.done))
}

func (s *v5) Flush() error { return s.life.wrap(s.out.flush()) }

func (s *v5) Drain(ctx context.Context) DeliveryReport {
	_ = s.out.flush()
	return s.out.window.drain(ctx, s.life.done)
}

func (s *v5) Subscribe(ctx context.Context, subs []Subscription, props *message.Properties) ([]byte, error) {
	// A refused filter is reported by its reason code, not as a failed SUBSCRIBE.
	return subscribe(ctx, s.out, s.life.done, true, subs, props, nil, nil, s.life.wrap)
}

func (s *v5) SubscribeThenUnsubscribe(ctx context.Context, subs []Subscription, props *message.Properties, unsubs []string, uprops *message.Properties) ([]byte, error) {
	return subscribe(ctx, s.out, s.life.done, true, subs, props, unsubs, uprops, s.life.wrap)
}

func (s *v5) Unsubscribe(ctx context.Context, filters []string, props *message.Properties) error {
	return unsubscribe(ctx, s.out, s.life.done, true, filters, props, s.life.wrap)
}

func (s *v5) Disconnect(ctx context.Context, props *message.Properties) error {
	_ = s.out.flush()
	s.life.closing()
	s.out.setDisconnect(wire.AppendDisconnect(nil, true, 0, props))
	err := s.c.Disconnect(&paho.Disconnect{ReasonCode: 0})
	s.life.lost(nil)
	return err
}

func (s *v5) Done() <-chan struct{} { return s.life.done }
func (s *v5) Err() error            { return s.life.error() }
func (s *v5) Server() ServerInfo    { return s.server }

func connackProps(p *paho.ConnackProperties) *message.Properties {
	b := func(v bool) *byte {
		x := byte(0)
		if v {
			x = 1
		}
		return &x
	}
	mp := &message.Properties{
		SessionExpiry: p.SessionExpiryInterval, AuthData: p.AuthData, AuthMethod: p.AuthMethod,
		ResponseInfo: p.ResponseInfo, ServerReference: p.ServerReference, ReasonString: p.ReasonString,
		AssignedClientID: p.AssignedClientID, MaximumPacketSize: p.MaximumPacketSize,
		ReceiveMaximum: p.ReceiveMaximum, TopicAliasMaximum: p.TopicAliasMaximum,
		ServerKeepAlive: p.ServerKeepAlive, MaximumQoS: p.MaximumQoS,
		WildcardSubAvailable: b(p.WildcardSubAvailable), SubIDAvailable: b(p.SubIDAvailable),
		SharedSubAvailable: b(p.SharedSubAvailable), RetainAvailable: b(p.RetainAvailable),
	}
	for _, u := range p.User {
		mp.User = append(mp.User, message.UserProperty{Key: u.Key, Value: u.Value})
	}
	return mp
}

// DisconnectError is a DISCONNECT sent by the server.
type DisconnectError struct {
	Code   byte
	Reason string
	// ClientID is ours, to name in a takeover.
	ClientID string
}

// ErrTakenOver is a DISCONNECT saying another client connected with our client id. It is the usual cause
// of "it stops after a while": two programs sharing an id throw each other off in turn.
var ErrTakenOver = errors.New("session taken over")

func (e *DisconnectError) Error() string {
	if e.Code == wire.ReasonSessionTakenOver && e.ClientID == "" {
		return "the broker disconnected us: another client connected with the same id"
	}
	if e.Code == wire.ReasonSessionTakenOver {
		return fmt.Sprintf("the broker disconnected us: another client connected with id %q", e.ClientID)
	}
	s := "the broker disconnected: " + wire.ReasonText(e.Code)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

func (e *DisconnectError) Is(target error) bool {
	return target == ErrTakenOver && e.Code == wire.ReasonSessionTakenOver
}

func disconnectError(d *paho.Disconnect, clientID string) error {
	e := &DisconnectError{Code: d.ReasonCode, ClientID: clientID}
	if d.Properties != nil {
		e.Reason = d.Properties.ReasonString
	}
	return e
}

// lifetime records how a connection ended, once.
type lifetime struct {
	once   sync.Once
	done   chan struct{}
	mu     sync.Mutex
	err    error
	byUser bool
}

func (l *lifetime) init() { l.done = make(chan struct{}) }

func (l *lifetime) closing() {
	l.mu.Lock()
	l.byUser = true
	l.mu.Unlock()
}

func (l *lifetime) lost(err error) {
	l.mu.Lock()
	if l.err == nil && !l.byUser {
		l.err = err
	}
	l.mu.Unlock()
	l.once.Do(func() { close(l.done) })
}

func (l *lifetime) error() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// bind returns a context that also ends when the connection does: paho.golang waits for a SUBACK on
// its context alone, and would wait forever after the broker hung up.
func (l *lifetime) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-l.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// wrap prefers the reason the connection was lost over the error of the call that noticed it.
func (l *lifetime) wrap(err error) error {
	if err == nil {
		return nil
	}
	select {
	case <-l.done:
		if e := l.error(); e != nil {
			return e
		}
	default:
	}
	return err
}
