package payload

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadAll(t *testing.T) {
	if b, err := ReadAll(strings.NewReader("0123456789"), 10); err != nil || string(b) != "0123456789" {
		t.Errorf("10 bytes with limit 10: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadAll(strings.NewReader("0123456789a"), 10); !errors.As(err, &tl) || tl.Limit != 10 {
		t.Errorf("11 bytes with limit 10: %v, want a TooLargeError", err)
	}
	if _, err := ReadAll(zeros{}, 1<<20); !errors.As(err, &tl) {
		t.Errorf("an endless stream: %v, want a TooLargeError", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small"), filepath.Join(dir, "big")
	if err := os.WriteFile(small, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: its size says 1 GiB and it costs nothing; it is refused by its size, not read.
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, err := ReadFile(small, 5); err != nil || string(b) != "hello" {
		t.Errorf("small: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(big, 1<<20); !errors.As(err, &tl) {
		t.Errorf("big: %v, want a TooLargeError", err)
	}
	if runtime.GOOS == "linux" {
		if _, err := ReadFile("/dev/zero", 1<<20); !errors.As(err, &tl) {
			t.Errorf("/dev/zero: %v, want a TooLargeError", err)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 5); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v, want ErrNotExist", err)
	}
}

func TestFirstLine(t *testing.T) {
	for _, c := range []struct {
		in, want string
		tooLarge bool
	}{
		{"secret\n", "secret", false},
		{"secret\r\nsecond line\n", "secret", false},
		{"secret", "secret", false},
		{"", "", false},
		{"\nsecond", "", false},
		{"0123456789\r\n", "0123456789", false},
		{"0123456789a\n", "", true},
		{"0123456789\rx\n", "", true},
	} {
		got, err := FirstLine(strings.NewReader(c.in), 10)
		var tl *TooLargeError
		if c.tooLarge != errors.As(err, &tl) || !c.tooLarge && (err != nil || got != c.want) {
			t.Errorf("FirstLine(%q) = %q, %v; want %q (too large: %v)", c.in, got, err, c.want, c.tooLarge)
		}
	}
	// An endless first line is refused after the limit; an endless rest is never read.
	var tl *TooLargeError
	if _, err := FirstLine(zeros{}, 65535); !errors.As(err, &tl) {
		t.Errorf("endless first line: %v", err)
	}
	if got, err := FirstLine(io.MultiReader(strings.NewReader("pw\n"), zeros{}), 65535); err != nil || got != "pw" {
		t.Errorf("a line, then endless input: %q, %v", got, err)
	}
}
