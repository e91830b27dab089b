package prompt

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func TestPasswordReadsOneLine(t *testing.T) {
	in := strings.NewReader("s3cret\r\nnext line\n")
	var out bytes.Buffer
	got, err := Password(context.Background(), in, &out, "Password for me: ")
	if err != nil || got != "s3cret" {
		t.Fatalf("Password = %q, %v", got, err)
	}
	if out.String() != "Password for me: \n" {
		t.Errorf("printed %q", out.String())
	}
	// The rest of stdin is left for the command (mqtt pub -l reads it next).
	if rest, _ := io.ReadAll(in); string(rest) != "next line\n" {
		t.Errorf("left %q", rest)
	}
}

func TestPasswordAtEOF(t *testing.T) {
	got, err := Password(context.Background(), strings.NewReader("nonl"), io.Discard, "")
	if err != nil || got != "nonl" {
		t.Errorf("Password = %q, %v", got, err)
	}
	if _, err := Password(context.Background(), strings.NewReader(""), io.Discard, ""); err == nil {
		t.Error("empty input: no error")
	}
}
