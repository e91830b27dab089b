package format

import (
	"encoding/binary"
	"math"
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

// floatMessage carries 21.5 as a float and, with double, as a double, in the byte order of this machine.
func floatMessage(double bool) *message.Message {
	m := benchMessage()
	if double {
		m.Payload = binary.NativeEndian.AppendUint64(nil, math.Float64bits(21.5))
	} else {
		m.Payload = binary.NativeEndian.AppendUint32(nil, math.Float32bits(21.5))
	}
	return m
}

// So must mosquitto 2.1's directives, on the payloads they are for.
func TestFloatAndHexGroupsDoNotAllocate(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		double bool
	}{
		{"%f", false}, {"[%-10.3f][%010.2f][%.60f]", false}, {"%d %.17d %30.3d", true}, {"%.2:x %-30.4X %030.3x", true},
	} {
		f, err := Compile(tc.spec, Options{Dialect: DialectMQTT})
		if err != nil {
			t.Fatal(err)
		}
		m := floatMessage(tc.double)
		buf := make([]byte, 0, 4096)
		allocs := testing.AllocsPerRun(1000, func() {
			buf, err = f.Append(buf[:0], m)
		})
		if err != nil || allocs != 0 {
			t.Errorf("%q: %v allocations per message, error %v", tc.spec, allocs, err)
		}
	}
}

func benchmarkFormat(b *testing.B, opts Options) {
	benchmarkMessage(b, opts, benchMessage())
}

func benchmarkMessage(b *testing.B, opts Options, m *message.Message) {
	f, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
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
func BenchmarkFloat(b *testing.B) {
	benchmarkMessage(b, Options{Format: "%f", Dialect: DialectMQTT}, floatMessage(false))
}
func BenchmarkDoubleWidth(b *testing.B) {
	benchmarkMessage(b, Options{Format: "%t %010.3d", Dialect: DialectMQTT}, floatMessage(true))
}
func BenchmarkHex(b *testing.B) { benchmarkFormat(b, Options{Format: "%x"}) }
func BenchmarkHexGroups(b *testing.B) {
	benchmarkFormat(b, Options{Format: "%.2:x", Dialect: DialectMQTT})
}
