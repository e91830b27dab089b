package header

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestPutParseRoundTrip(t *testing.T) {
	buf, err := Payload(64, 42)
	if err != nil {
		t.Fatal(err)
	}
	filler := bytes.Clone(buf[Size:])
	h := Header{Run: 42, Publisher: 7, Seq: 1<<40 + 3, Intended: 1_700_000_000_123_456_789, Sent: -5}
	Put(buf, h)
	got, err := Reader{Run: 42, Publishers: 8}.Read(buf)
	if err != nil || got != h {
		t.Fatalf("Read = %+v, %v; want %+v", got, err, h)
	}
	if !bytes.Equal(buf[Size:], filler) {
		t.Fatal("Put wrote past the header")
	}
}

func TestReadRejectsForeignPayloads(t *testing.T) {
	good := make([]byte, Size)
	Put(good, Header{Run: 1, Publisher: 2})
	other := make([]byte, Size)
	Put(other, Header{Run: 9, Publisher: 2})
	r := Reader{Run: 1, Publishers: 2}
	cases := []struct {
		name    string
		payload []byte
		want    error
	}{
		{"empty", nil, ErrShort},
		{"short", good[:Size-1], ErrShort},
		{"text", []byte("hello, this is a plain message of some length"), ErrForeign},
		{"other run", other, ErrOtherRun},
		{"publisher out of range", good, ErrPublisher}, // publisher 2 of 2
	}
	for _, c := range cases {
		if _, err := r.Read(c.payload); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestPayloadTooSmallNamesTheMinimum(t *testing.T) {
	_, err := Payload(Size-1, 1)
	var se *SizeError
	if !errors.As(err, &se) || se.Min != Size || se.Size != Size-1 {
		t.Fatalf("Payload(%d) error %v, want a SizeError with Min %d", Size-1, err, Size)
	}
}

func TestPayloadFillerIsFixedPerRun(t *testing.T) {
	a, _ := Payload(200, 5)
	b, _ := Payload(200, 5)
	c, _ := Payload(200, 6)
	if !bytes.Equal(a, b) {
		t.Fatal("two payloads of one run differ")
	}
	if bytes.Equal(a[Size:], c[Size:]) {
		t.Fatal("two runs have the same filler")
	}
}

func TestRunIDSameForSameSeed(t *testing.T) {
	if RunID("2026-01-01T00:00:00Z pubsub") != RunID("2026-01-01T00:00:00Z pubsub") || RunID("a") == RunID("b") {
		t.Fatal("RunID is not a function of its seed")
	}
}

func TestClockFollowsMonotonicTime(t *testing.T) {
	start := time.Now()
	c := NewClock(start)
	if c.Ns(start) != start.UnixNano() {
		t.Fatal("the clock does not start at the wall time of its start")
	}
	later := start.Add(1500 * time.Millisecond)
	if c.Ns(later)-c.Ns(start) != int64(1500*time.Millisecond) {
		t.Fatal("Ns is not the monotonic offset from the start")
	}
	if c.Now() < c.Ns(start) {
		t.Fatal("Now is before the start")
	}
}

func TestPutAndReadAllocateNothing(t *testing.T) {
	buf := make([]byte, 100)
	r := Reader{Run: 3, Publishers: 10}
	n := testing.AllocsPerRun(1000, func() {
		Put(buf, Header{Run: 3, Publisher: 4, Seq: 5})
		if _, err := r.Read(buf); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(buf[:3]); err == nil {
			t.Fatal("short accepted")
		}
	})
	if n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func BenchmarkPutRead(b *testing.B) {
	buf := make([]byte, 100)
	r := Reader{Run: 3, Publishers: 10}
	b.ReportAllocs()
	for b.Loop() {
		Put(buf, Header{Run: 3, Publisher: 4, Seq: 5})
		_, _ = r.Read(buf)
	}
}
