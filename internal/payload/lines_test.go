package payload

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 200_000) // longer than the reader's buffer
	tests := []struct {
		in   string
		want []string
	}{
		{"one\ntwo\n", []string{"one", "two"}},
		{"one\n\nthree", []string{"one", "", "three"}},
		{"\n", []string{""}},
		{"", nil},
		{"cr\r\n", []string{"cr\r"}}, // mosquitto_pub strips only the newline
		{long + "\nshort", []string{long, "short"}},
	}
	for _, tt := range tests {
		lr := NewLineReader(strings.NewReader(tt.in), 1<<20)
		var got []string
		for {
			line, err := lr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(line))
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%.20q: got %d lines, want %d", tt.in, len(got), len(tt.want))
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%.20q line %d: got %.20q, want %.20q", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

// A line longer than the limit is an error once limit+1 bytes of it are read, however long the stream
// goes on without a newline.
func TestLineReaderLimit(t *testing.T) {
	for _, limit := range []int{10, 100_000} { // within the reader's buffer, and past it
		in := io.MultiReader(strings.NewReader("short\n"+strings.Repeat("x", limit)+"\n"), zeros{})
		lr := NewLineReader(in, limit)
		for _, want := range []string{"short", strings.Repeat("x", limit)} {
			if line, err := lr.Next(); err != nil || string(line) != want {
				t.Fatalf("limit %d: %.20q, %v; want %.20q", limit, line, err, want)
			}
		}
		var tl *TooLargeError
		if _, err := lr.Next(); !errors.As(err, &tl) || tl.Limit != limit {
			t.Errorf("limit %d: an endless line gave %v, want a TooLargeError", limit, err)
		}
	}
	lr := NewLineReader(strings.NewReader("12345678901"), 10)
	if _, err := lr.Next(); err == nil {
		t.Error("a last line without a newline, one byte past the limit, was taken")
	}
}

// zeros is /dev/zero: an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func BenchmarkLineReader(b *testing.B) {
	in := bytes.Repeat([]byte("0123456789abcde\n"), 100_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		lr := NewLineReader(bytes.NewReader(in), 1<<20)
		for {
			if _, err := lr.Next(); err != nil {
				break
			}
		}
	}
}
