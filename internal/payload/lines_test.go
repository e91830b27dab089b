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
		lr := NewLineReader(strings.NewReader(tt.in))
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

func BenchmarkLineReader(b *testing.B) {
	in := bytes.Repeat([]byte("0123456789abcde\n"), 100_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		lr := NewLineReader(bytes.NewReader(in))
		for {
			if _, err := lr.Next(); err != nil {
				break
			}
		}
	}
}
