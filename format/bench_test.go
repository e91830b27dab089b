package format

import (
	"testing"
	"time"

	"mqtt/internal/message"
)

func benchMessage() *message.Message {
	return &message.Message{
		Topic:    "sensors/building-7/floor-3/room-12/temperature",
		Payload:  []byte(`{"temperature":21.5,"humidity":48,"ok":true,"tags":["a","b"]}`),
		QoS:      1,
		MID:      4711,
		Received: time.Unix(1704402245, 123456789),
	}
}

// The hot paths must not allocate once dst has room: payload only, -v, a plain format, and JSON too.
func TestHotPathsDoNotAllocate(t *testing.T) {
	m := benchMessage()
	for _, opts := range []Options{{}, {Verbose: true}, {Format: "%t %p"}, {Format: "%I %U @c %-20t %5l %x %q %r %m"},
		{Format: "%j"}, {Format: "%J", Pretty: true}} {
		f, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 4096)
		allocs := testing.AllocsPerRun(1000, func() {
			buf, _ = f.Append(buf[:0], m)
		})
		if allocs != 0 {
			t.Errorf("%+v: %v allocations per message", opts, allocs)
		}
	}
}

func benchmarkFormat(b *testing.B, opts Options) {
	f, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	m := benchMessage()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = f.Append(buf[:0], m)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkPayloadOnly(b *testing.B) { benchmarkFormat(b, Options{}) }
func BenchmarkTopicPayload(b *testing.B) {
	benchmarkFormat(b, Options{Format: "%t %p"})
}
func BenchmarkTimestamps(b *testing.B) {
	benchmarkFormat(b, Options{Format: "@Y-@m-@dT@H:@M:@S.@N %I %U %t", Location: time.UTC})
}
func BenchmarkJSON(b *testing.B)    { benchmarkFormat(b, Options{Format: "%j", Location: time.UTC}) }
func BenchmarkJSONRaw(b *testing.B) { benchmarkFormat(b, Options{Format: "%J", Location: time.UTC}) }
func BenchmarkJSONPretty(b *testing.B) {
	benchmarkFormat(b, Options{Format: "%J", Pretty: true, Location: time.UTC})
}
