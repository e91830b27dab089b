package transport_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"mqtt/internal/transport"
)

// Raw MQTT 3.1.1 packets: enough to prove a connection carries MQTT both ways, without either MQTT
// library deciding how the bytes are written.

func mqttString(s string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(s))), s...)
}

func packet(header byte, body []byte) []byte {
	out := []byte{header}
	for n := len(body); ; {
		b := byte(n % 128)
		n /= 128
		if n > 0 {
			b |= 0x80
		}
		out = append(out, b)
		if n == 0 {
			break
		}
	}
	return append(out, body...)
}

func readPacket(r *bufio.Reader) (header byte, body []byte, err error) {
	if header, err = r.ReadByte(); err != nil {
		return 0, nil, err
	}
	length, mult := 0, 1
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		length += int(b&0x7f) * mult
		mult *= 128
		if b&0x80 == 0 {
			break
		}
	}
	body = make([]byte, length)
	_, err = io.ReadFull(r, body)
	return header, body, err
}

// roundTrip connects over conn, subscribes to a topic, publishes to it and expects the message back.
func roundTrip(conn net.Conn, clientID string) error {
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	defer conn.SetDeadline(time.Time{})
	r := bufio.NewReader(conn)
	topic := "transport/" + clientID

	connect := append(mqttString("MQTT"), 4, 0x02, 0, 60)
	connect = append(connect, mqttString(clientID)...)
	if err := expect(conn, r, packet(0x10, connect), 0x20, []byte{0, 0}); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	subscribe := append([]byte{0, 1}, mqttString(topic)...)
	subscribe = append(subscribe, 0)
	if err := expect(conn, r, packet(0x82, subscribe), 0x90, []byte{0, 1, 0}); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	// Written in two pieces: a stream may split a packet anywhere.
	publish := packet(0x30, append(mqttString(topic), "hello"...))
	if _, err := conn.Write(publish[:3]); err != nil {
		return err
	}
	if err := expect(conn, r, publish[3:], 0x30, append(mqttString(topic), "hello"...)); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

func expect(w io.Writer, r *bufio.Reader, send []byte, header byte, body []byte) error {
	if _, err := w.Write(send); err != nil {
		return err
	}
	h, b, err := readPacket(r)
	if err != nil {
		return err
	}
	if h != header || !bytes.Equal(b, body) {
		return fmt.Errorf("got packet %#x % x, want %#x % x", h, b, header, body)
	}
	return nil
}

func dialRoundTrip(t *testing.T, d transport.Dialer, clientID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := d.Dial(ctx)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.Close()
	if err := roundTrip(conn, clientID); err != nil {
		t.Fatal(err)
	}
}
