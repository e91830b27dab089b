package broker_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	pahov3 "github.com/eclipse/paho.mqtt.golang"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

var allSchemes = []transport.Scheme{transport.TCP, transport.TLS, transport.WS, transport.WSS, transport.Unix}

const wait = 10 * time.Second

func TestPublishSubscribe(t *testing.T) {
	b := brokertest.Start(t, allSchemes...)
	for _, scheme := range allSchemes {
		for _, version := range []uint{3, 4, 5} {
			t.Run(fmt.Sprintf("%s/v%d", scheme, version), func(t *testing.T) {
				t.Parallel()
				d := b.Dialer(scheme)
				topic := fmt.Sprintf("test/%s/%d", scheme, version)
				if version == 5 {
					roundTripV5(t, d, topic)
				} else {
					roundTripV3(t, d, version, topic)
				}
			})
		}
	}
}

// roundTripV3 subscribes to topic and publishes to it with MQTT 3.1 (version 3) or 3.1.1 (4).
func roundTripV3(t *testing.T, d transport.Dialer, version uint, topic string) {
	opts := pahov3.NewClientOptions().
		AddBroker("tcp://unused:1883").
		SetClientID(topic).
		SetProtocolVersion(version).
		SetAutoReconnect(false).
		SetCustomOpenConnectionFn(func(*url.URL, pahov3.ClientOptions) (net.Conn, error) {
			return d.Dial(context.Background())
		})
	c := pahov3.NewClient(opts)
	waitToken(t, "connect", c.Connect())
	defer c.Disconnect(0)

	got := make(chan []byte, 1)
	waitToken(t, "subscribe", c.Subscribe(topic, 1, func(_ pahov3.Client, m pahov3.Message) {
		got <- m.Payload()
	}))
	waitToken(t, "publish", c.Publish(topic, 1, false, "hello"))
	select {
	case p := <-got:
		if string(p) != "hello" {
			t.Fatalf("received %q, want hello", p)
		}
	case <-time.After(wait):
		t.Fatal("no message received")
	}
}

func waitToken(t *testing.T, what string, tok pahov3.Token) {
	t.Helper()
	if !tok.WaitTimeout(wait) {
		t.Fatalf("%s: timed out", what)
	}
	if err := tok.Error(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func roundTripV5(t *testing.T, d transport.Dialer, topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	conn, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *paho.Publish, 1)
	c := paho.NewClient(paho.ClientConfig{
		Conn: packets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) { got <- pr.Packet; return true, nil },
		},
	})
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: topic, CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Disconnect(&paho.Disconnect{})
	sub := &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}
	if _, err := c.Subscribe(ctx, sub); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte("hello")}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	select {
	case p := <-got:
		if string(p.Payload) != "hello" {
			t.Fatalf("received %q, want hello", p.Payload)
		}
	case <-ctx.Done():
		t.Fatal("no message received")
	}
}
