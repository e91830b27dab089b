package broker_test

import (
	"bufio"
	"io"
	"net"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"

	"mqtt/internal/broker"
	"mqtt/internal/broker/brokertest"
	"mqtt/internal/transport"
)

// BenchmarkRelay is one publisher into one subscriber through the broker, per message: the
// broker's work (hooks, flow, delivery) with as little of the clients' as raw bytes allow. The
// figures to compare are the broker's, with scripts/broker-bench.sh, against mosquitto.
// "unlimited" is --max-inflight 0 --max-queued-messages 0, as scripts/broker-bench.sh runs it;
// "nowindow", --max-inflight 0 alone.
func BenchmarkRelay(b *testing.B) {
	for _, tc := range []struct {
		name   string
		qos    byte
		limits broker.Limits
	}{
		{"qos0", 0, broker.Limits{}}, {"qos1", 1, broker.Limits{}},
		{"qos0/nowindow", 0, broker.Limits{MaxInflight: -1}},
		{"qos0/unlimited", 0, broker.Limits{MaxInflight: -1, MaxQueued: -1}},
		{"qos1/unlimited", 1, broker.Limits{MaxInflight: -1, MaxQueued: -1}},
	} {
		qos := tc.qos
		b.Run(tc.name, func(b *testing.B) {
			br, err := broker.Start(broker.Config{Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}},
				Limits: tc.limits})
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			sub, subR := benchConn(b, br.Addr(0), "bench-sub")
			write(b, sub, packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
				Filters: packets.Subscriptions{{Filter: "bench", Qos: qos}}})
			if pk, err := brokertest.Read(subR, 4); err != nil || pk.FixedHeader.Type != packets.Suback {
				b.Fatalf("SUBACK: %v %v", pk.FixedHeader.Type, err)
			}
			pub, pubR := benchConn(b, br.Addr(0), "bench-pub")
			msg, _ := brokertest.Encode(packets.Packet{ProtocolVersion: 4,
				FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos}, PacketID: 1,
				TopicName: "bench", Payload: []byte("000000000000000")})
			done := make(chan error, 2)
			go func() { done <- relayed(subR, sub, b.N, qos) }()
			if qos == 1 { // the publisher's PUBACKs, read and dropped
				go func() { done <- relayed(pubR, nil, b.N, 0) }()
			} else {
				done <- nil
			}
			b.ReportAllocs()
			b.ResetTimer()
			w := bufio.NewWriterSize(pub, 64<<10)
			for i := 0; i < b.N; i++ {
				w.Write(msg)
			}
			w.Flush()
			for range 2 {
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchConn(b *testing.B, addr, id string) (net.Conn, *bufio.Reader) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	r := bufio.NewReaderSize(conn, 64<<10)
	write(b, conn, packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), ClientIdentifier: id,
			Clean: true, Keepalive: 60}})
	if pk, err := brokertest.Read(r, 4); err != nil || pk.FixedHeader.Type != packets.Connack {
		b.Fatalf("CONNACK: %v %v", pk.FixedHeader.Type, err)
	}
	return conn, r
}

func write(b *testing.B, conn net.Conn, pk packets.Packet) {
	pk.ProtocolVersion = 4
	data, err := brokertest.Encode(pk)
	if err == nil {
		_, err = conn.Write(data)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// relayed reads n packets of the kind the broker relays (PUBLISH, or PUBACK), acknowledging each
// PUBLISH at QoS 1 on ack, without decoding more than their fixed header and packet identifier.
func relayed(r *bufio.Reader, ack net.Conn, n int, qos byte) error {
	var w *bufio.Writer
	if ack != nil && qos > 0 {
		w = bufio.NewWriterSize(ack, 16<<10)
		defer w.Flush()
	}
	buf := make([]byte, 0, 256)
	puback := []byte{packets.Puback << 4, 2, 0, 0}
	for i := 0; i < n; i++ {
		kind, err := r.ReadByte()
		if err != nil {
			return err
		}
		size, shift := 0, 0
		for {
			c, err := r.ReadByte()
			if err != nil {
				return err
			}
			size |= int(c&0x7f) << shift
			if c&0x80 == 0 {
				break
			}
			shift += 7
		}
		buf = buf[:size]
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		if w != nil && kind>>4 == packets.Publish {
			topic := int(buf[0])<<8 | int(buf[1])
			puback[2], puback[3] = buf[2+topic], buf[3+topic]
			w.Write(puback)
			if r.Buffered() == 0 {
				w.Flush()
			}
		}
	}
	return nil
}
