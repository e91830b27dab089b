package session

import (
	"errors"
	"io"
	"testing"
)

// A PUBREL that cannot be written because the broker has closed the connection is a lost connection,
// not a broker that broke the protocol: a reconnecting session must dial again and send it there. A
// ProtocolError ends the session for good instead (reconnecting.watch), and pub -l then exits 2 with
// "A network protocol error occurred ... (the broker sent write tcp ...: connection reset by peer)".
// mosquitto 2.0 closes the connection after refusing a v5 publish (eclipse-mosquitto/mosquitto#2579),
// so a QoS 2 stream with one refused message meets this often (testdata/interop/refused_publish_qos2.txtar).
func TestFailedPubrelWriteIsALostConnection(t *testing.T) {
	dead := deadConn{wrote: make(chan struct{}, 1)}
	out := newOutbound(dead, true)
	out.start(20, 0)
	id := out.take(2) // a QoS 2 message awaiting its PUBREC
	pubrec := packet(0x50, []byte{byte(id >> 8), byte(id), 0})
	in := newInbound(&chunkConn{data: pubrec, chunk: 100}, Options{Version: V5}, out)
	_, err := io.ReadAll(in)
	Receive(t, dead.wrote, "the PUBREL write")
	var pe *ProtocolError
	if errors.As(err, &pe) {
		t.Errorf("a PUBREL the connection could not take ended the read as a protocol error: %v", err)
	}
}
