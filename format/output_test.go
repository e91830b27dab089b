package format

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/testtool"
)

func TestOutputAndTimestamp(t *testing.T) {
	at := time.Unix(1704402245, 123456789)
	msg := func(payload string) *message.Message {
		m := &message.Message{Topic: "a/b", Received: at}
		if payload != "" {
			m.Payload = []byte(payload)
		}
		return m
	}
	const (
		stamp = "2024-01-04T21:04:05.123456Z"
		dump1 = "00000000  68 65 6c 6c 6f                                    |hello|"
		dump2 = "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  |hello world, thi|\n" +
			"00000010  73 20 69 73 20 32 30 2b  20 62 79 74 65 73 00 ff  |s is 20+ bytes..|"
		long = "hello world, this is 20+ bytes\x00\xff"
	)
	tests := []struct {
		name string
		opts Options
		m    *message.Message
		want string
	}{
		{"text", Options{Output: "text"}, msg("hi"), "hi\n"},
		{"text -v", Options{Output: "text", Verbose: true}, msg("hi"), "a/b hi\n"},
		{"base64", Options{Output: "base64"}, msg("hello"), "aGVsbG8=\n"},
		{"base64 -v", Options{Output: "base64", Verbose: true}, msg("\x00\xff"), "a/b AP8=\n"},
		{"base64 -N", Options{Output: "base64", NoEOL: true}, msg("hello"), "aGVsbG8="},
		{"hex", Options{Output: "hex"}, msg("hello"), dump1 + "\n"},
		{"hex two lines", Options{Output: "hex"}, msg(long), dump2 + "\n"},
		{"hex -v", Options{Output: "hex", Verbose: true}, msg("hello"), "a/b\n" + dump1 + "\n"},
		{"hex -N", Options{Output: "hex", NoEOL: true}, msg(long), dump2},
		{"hex timestamp", Options{Output: "hex", Timestamp: true}, msg("hello"), stamp + "\n" + dump1 + "\n"},
		{"hex timestamp -v", Options{Output: "hex", Timestamp: true, Verbose: true}, msg("hello"),
			stamp + " a/b\n" + dump1 + "\n"},
		{"timestamp", Options{Timestamp: true}, msg("hi"), stamp + " hi\n"},
		{"timestamp -v", Options{Timestamp: true, Verbose: true}, msg("hi"), stamp + " a/b hi\n"},
		{"timestamp base64 -v", Options{Timestamp: true, Verbose: true, Output: "base64"}, msg("hello"),
			stamp + " a/b aGVsbG8=\n"},
		{"timestamp zone", Options{Timestamp: true, Location: time.FixedZone("", 2*3600)}, msg("hi"),
			"2024-01-04T23:04:05.123456+02:00 hi\n"},
		{"timestamp whole second", Options{Timestamp: true},
			&message.Message{Payload: []byte("x"), Received: time.Unix(1704402245, 0)},
			"2024-01-04T21:04:05.000000Z x\n"},
		// An empty payload prints what mosquitto prints, stamped when there is a line.
		{"empty hex", Options{Output: "hex"}, msg(""), ""},
		{"empty timestamp", Options{Timestamp: true}, msg(""), ""},
		{"empty hex -v", Options{Output: "hex", Verbose: true}, msg(""), "a/b (null)\n"},
		{"empty base64 -v -N", Options{Output: "base64", Verbose: true, NoEOL: true}, msg(""), ""},
		{"empty timestamp -v", Options{Timestamp: true, Verbose: true}, msg(""), stamp + " a/b (null)\n"},
		// -F has its own language: --output and --timestamp do not apply.
		{"-F", Options{Format: "%t=%p", Output: "hex", Timestamp: true}, msg("hi"), "a/b=hi\n"},
		// A NUL cuts the topic, as in mosquitto's -v.
		{"topic NUL", Options{Output: "base64", Verbose: true},
			&message.Message{Topic: "a\x00b", Payload: []byte("x")}, "a eA==\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Location == nil {
				tc.opts.Location = time.UTC
			}
			f, err := New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Append(nil, tc.m)
			if err != nil || string(got) != tc.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tc.want)
			}
		})
	}
}

func TestOutputRefusesUnknown(t *testing.T) {
	for _, o := range []string{"HEX", "raw", " text"} {
		_, err := New(Options{Output: o})
		want := `unknown --output "` + o + `": use text, hex or base64`
		if err == nil || err.Error() != want {
			t.Errorf("Output %q: got %v, want %s", o, err, want)
		}
	}
	if _, err := New(Options{Output: "raw", Format: "%p"}); err == nil {
		t.Error("a bad --output is refused with -F too")
	}
}

// The dump reads like `hexdump -C` line for line, without its final offset line.
func TestHexDumpMatchesHexdump(t *testing.T) {
	hexdump := testtool.Path(t, "hexdump", "bsdextrautils")
	for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 32, 33, 256} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		cmd := exec.Command(hexdump, "-C", "-v")
		cmd.Stdin = bytes.NewReader(b)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		want := strings.Join(lines[:len(lines)-1], "\n") // the final offset line
		if got := string(appendHexDump(nil, b)); got != want {
			t.Errorf("%d bytes:\n%s\nwant\n%s", n, got, want)
		}
	}
}

func TestOutputDoesNotAllocate(t *testing.T) {
	m := benchMessage()
	for _, opts := range []Options{{Output: "hex"}, {Output: "base64", Verbose: true},
		{Timestamp: true, Verbose: true, Location: time.UTC}, {Timestamp: true, Output: "hex", Location: time.UTC}} {
		f, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 4096)
		if allocs := testing.AllocsPerRun(1000, func() { buf, _ = f.Append(buf[:0], m) }); allocs != 0 {
			t.Errorf("%+v: %v allocations per message", opts, allocs)
		}
	}
}

func BenchmarkOutputHex(b *testing.B) { benchmarkFormat(b, Options{Output: "hex", Verbose: true}) }
func BenchmarkOutputBase64(b *testing.B) {
	benchmarkFormat(b, Options{Output: "base64", Verbose: true})
}
func BenchmarkTimestamp(b *testing.B) {
	benchmarkFormat(b, Options{Timestamp: true, Verbose: true, Location: time.UTC})
}
