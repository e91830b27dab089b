package replay

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"mqtt/internal/message"
)

func TestSourceHandsOverInOrder(t *testing.T) {
	rec := line("a", "1", 0) + line("b", "2", 5) + `{"topic":"c","payload":"AP8=","encoding":"base64","qos":2,"retain":true}` + "\n"
	src := NewSource(strings.NewReader(rec), Options{Speed: 1, Clock: newFakeClock()})
	defer src.Close()
	var got []message.Message
	var m message.Message
	for {
		more, err := src.Next(context.Background(), &m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || more {
			t.Fatalf("Next: %v %v", more, err)
		}
		c := m
		c.Payload = append([]byte(nil), m.Payload...)
		got = append(got, c)
	}
	if len(got) != 3 || got[0].Topic != "a" || got[1].Topic != "b" || string(got[2].Payload) != "\x00\xff" ||
		got[2].QoS != 2 || !got[2].Retain || got[0].QoS != 1 {
		t.Fatalf("got %+v", got)
	}
	if r := src.Result(); r.Published != 3 {
		t.Errorf("result %+v", r)
	}
}

func TestSourceOverridesQoSAndRetain(t *testing.T) {
	zero := byte(0)
	src := NewSource(strings.NewReader(line("a", "1", 0)), Options{Speed: 0})
	src.QoS, src.Retain = &zero, true
	defer src.Close()
	var m message.Message
	if _, err := src.Next(context.Background(), &m); err != nil || m.QoS != 0 || !m.Retain {
		t.Fatalf("%v %+v", err, m)
	}
}

func TestSourceReportsABadLine(t *testing.T) {
	src := NewSource(strings.NewReader(line("a", "1", 0)+"{nope\n"), Options{Speed: 0})
	defer src.Close()
	var m message.Message
	if _, err := src.Next(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	_, err := src.Next(context.Background(), &m)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("want a LineError at line 2, got %v", err)
	}
}

// A publisher that stops early (a failed publish) closes the source while a message is still its own.
func TestSourceClosesMidway(t *testing.T) {
	src := NewSource(strings.NewReader(line("a", "1", 0)+line("b", "2", 0)), Options{Speed: 0})
	var m message.Message
	if _, err := src.Next(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	src.Close()
	NewSource(strings.NewReader(""), Options{}).Close() // never started
}
