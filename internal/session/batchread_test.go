package session

import (
	"bytes"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func lowWaterOf(t *testing.T, b *batchReader) int {
	t.Helper()
	var v int
	var err error
	if cerr := b.raw.Control(func(fd uintptr) {
		v, err = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT)
	}); cerr != nil || err != nil {
		t.Fatal(cerr, err)
	}
	return v
}

// A stream arrives whole and in order however it is batched.
func TestBatchReaderStream(t *testing.T) {
	client, server := tcpPair(t)
	b := newBatchReader(client, time.Millisecond)
	if b == nil {
		t.Fatal("no batchReader for a TCP connection")
	}
	var want bytes.Buffer
	for i := range 50000 {
		want.WriteString("message ")
		want.WriteByte(byte('a' + i%26))
	}
	go func() {
		data := want.Bytes()
		for len(data) > 0 { // many small writes, as a broker sends small messages
			n := min(len(data), 9)
			if _, err := server.Write(data[:n]); err != nil {
				return
			}
			data = data[n:]
		}
		server.Close()
	}()
	got, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("read %d bytes, want %d, or they differ", len(got), want.Len())
	}
}

// Streaming raises the low-water mark; an interval with nothing lowers it, and data less than the mark is
// still read: the deadline bounds the wait.
func TestBatchReaderLowWater(t *testing.T) {
	client, server := tcpPair(t)
	b := newBatchReader(client, time.Millisecond)
	b.setStreaming(true)
	if got := lowWaterOf(t, b); got != lowWater {
		t.Fatalf("SO_RCVLOWAT = %d while streaming, want %d", got, lowWater)
	}
	p := make([]byte, 100)
	// Nothing arrives: readBatch gives up after an interval.
	if n, err := b.readBatch(p); n != 0 || err != nil {
		t.Fatalf("readBatch with nothing sent = %d, %v", n, err)
	}
	// Less than the mark arrives: the deadline still hands it over.
	if _, err := server.Write([]byte("lone")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 4)
	for len(buf) < 4 {
		n, err := b.readBatch(p)
		if err != nil {
			t.Fatal(err)
		}
		buf = append(buf, p[:n]...)
	}
	if string(buf) != "lone" {
		t.Fatalf("read %q", buf)
	}
	// Read sees the quiet interval and stops streaming; the next message is then read by a plain read.
	modes := make(chan bool, 1)
	b.onMode = func(on bool) { modes <- on }
	done := make(chan string)
	go func() {
		n, _ := b.Read(p)
		done <- string(p[:n])
	}()
	if on := <-modes; on {
		t.Fatal("still streaming after a quiet interval")
	}
	if got := lowWaterOf(t, b); got != 1 {
		t.Errorf("SO_RCVLOWAT = %d after a quiet interval, want 1", got)
	}
	if _, err := server.Write([]byte("next")); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != "next" {
		t.Errorf("read %q, want next", got)
	}
}

func TestBatchReaderOnlyForTCP(t *testing.T) {
	a, _ := net.Pipe()
	if newBatchReader(a, time.Millisecond) != nil {
		t.Error("a batchReader for a pipe")
	}
	client, _ := tcpPair(t)
	if newBatchReader(client, 0) != nil {
		t.Error("a batchReader with no interval")
	}
}
