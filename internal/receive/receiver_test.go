package receive_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqtt/format"
	"mqtt/internal/message"
	"mqtt/internal/receive"
	"mqtt/internal/session"
	"mqtt/internal/session/sessiontest"
)

// consumer records what it is handed, and when it is asked to flush.
type consumer struct {
	got   []string
	idles int
	err   error // returned for the message after the first
}

func (c *consumer) Message(m *message.Message) error {
	if c.err != nil && len(c.got) > 0 {
		return c.err
	}
	c.got = append(c.got, m.Topic+" "+string(m.Payload))
	return nil
}

func (c *consumer) Idle() error { c.idles++; return nil }

func msg(topic, payload string, retain bool) *message.Message {
	return &message.Message{Topic: topic, Payload: []byte(payload), Retain: retain}
}

// run hands msgs to a new receiver as the session's reader would (messages may come before the SUBACK
// does), then runs it on a fresh session: until the messages end it, with ends; else until its context,
// already ended, does.
func run(t *testing.T, o receive.Options, ends bool, msgs ...*message.Message) (*sessiontest.Session, error) {
	t.Helper()
	s := sessiontest.New()
	r := receive.New(o)
	for _, m := range msgs {
		r.Message(m)
	}
	r.Idle()
	ctx, cancel := context.WithCancel(context.Background())
	if !ends {
		cancel()
	}
	defer cancel()
	ended := make(chan error, 1)
	go func() { ended <- r.Run(ctx, s) }()
	select {
	case err := <-ended:
		return s, err
	case <-time.After(time.Minute):
		t.Fatal("Run did not end within a minute")
	}
	return s, nil
}

func subs(filters ...string) []session.Subscription {
	var out []session.Subscription
	for _, f := range filters {
		out = append(out, session.Subscription{Filter: f, QoS: 1})
	}
	return out
}

// -C ends receiving once that many messages are handed on; what came after is not.
func TestCount(t *testing.T) {
	c := &consumer{}
	s, err := run(t, receive.Options{Subscriptions: subs("#"), Count: 2, Consumer: c}, true,
		msg("a", "1", false), msg("b", "2", false), msg("c", "3", false))
	if err != nil || !slices.Equal(c.got, []string{"a 1", "b 2"}) {
		t.Errorf("ended with %v, got %q", err, c.got)
	}
	if c.idles == 0 || !s.Disconnected() {
		t.Errorf("%d flushes, disconnected %v: want the output flushed and the session disconnected", c.idles, s.Disconnected())
	}
}

// -R drops retained messages; -T drops the topics matching its filters; the Filter stage drops what it
// returns false for; all of them before -C counts.
func TestFilters(t *testing.T) {
	c := &consumer{}
	_, err := run(t, receive.Options{
		Subscriptions: subs("#"), SkipRetained: true, FilterOut: []string{"noise/#", "+/debug"}, Count: 2, Consumer: c,
		Filter: func(m *message.Message) bool { return !bytes.Equal(m.Payload, []byte("dropped")) },
	}, true,
		msg("kept/1", "r", true), msg("noise/x", "n", false), msg("app/debug", "d", false),
		msg("app/x", "dropped", false), msg("app/x", "first", false), msg("app/y", "second", false), msg("app/z", "third", false))
	if err != nil || !slices.Equal(c.got, []string{"app/x first", "app/y second"}) {
		t.Errorf("ended with %v, got %q", err, c.got)
	}
}

// --retained-only hands on retained messages and ends at the first that is not.
func TestRetainedOnly(t *testing.T) {
	c := &consumer{}
	_, err := run(t, receive.Options{Subscriptions: subs("#"), RetainedOnly: true, Consumer: c}, true,
		msg("a", "1", true), msg("b", "2", true), msg("c", "live", false), msg("d", "3", true))
	if err != nil || !slices.Equal(c.got, []string{"a 1", "b 2"}) {
		t.Errorf("ended with %v, got %q", err, c.got)
	}
}

// -E ends at the SUBACK: nothing is handed on, not even what came right behind it.
func TestExitAfterSubscribe(t *testing.T) {
	c := &consumer{}
	s := sessiontest.New()
	r := receive.New(receive.Options{Subscriptions: subs("#"), ExitAfterSubscribe: true, Consumer: c})
	r.Message(msg("retained", "1", true)) // delivered before Subscribe returns
	if err := r.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if len(c.got) != 0 || !s.Disconnected() {
		t.Errorf("got %q, disconnected %v", c.got, s.Disconnected())
	}
}

// -W: the deadline passing ends receiving with ErrTimeout, the output flushed.
func TestDeadline(t *testing.T) {
	c := &consumer{}
	s := sessiontest.New()
	r := receive.New(receive.Options{Subscriptions: subs("#"), Deadline: time.Now().Add(10 * time.Millisecond), Consumer: c})
	if err := r.Run(context.Background(), s); !errors.Is(err, receive.ErrTimeout) {
		t.Errorf("ended with %v, want ErrTimeout", err)
	}
	if c.idles == 0 {
		t.Error("the output was not flushed")
	}
}

// A message dropped by --random-filter still counts towards -C, as mosquitto_sub counts it.
func TestRandomFilterCounts(t *testing.T) {
	c := &consumer{}
	_, err := run(t, receive.Options{Subscriptions: subs("#"), RandomFilter: 1, Count: 3, Consumer: c}, true, // 0.01 %
		msg("a", "1", false), msg("b", "2", false), msg("c", "3", false))
	if err != nil || len(c.got) > 1 {
		t.Errorf("ended with %v, got %q", err, c.got)
	}
}

// A SUBACK that refuses every filter is ErrAllDenied; one that grants any is not.
func TestAllDenied(t *testing.T) {
	for _, tc := range []struct {
		granted []byte
		want    error
	}{{[]byte{0x80, 0x87}, receive.ErrAllDenied}, {[]byte{0x80, 1}, nil}} {
		s := sessiontest.New()
		s.Granted = tc.granted
		r := receive.New(receive.Options{Subscriptions: subs("a", "b"), Unsubscribe: []string{"c"}, Consumer: &consumer{}})
		if err := r.Subscribe(context.Background(), s); !errors.Is(err, tc.want) {
			t.Errorf("granted %v: %v, want %v", tc.granted, err, tc.want)
		}
		if got := s.Unsubscribed(); !slices.Equal(got, []string{"c"}) {
			t.Errorf("unsubscribed %q, want c", got)
		}
	}
}

// --remove-retained clears each retained message kept (not one -T dropped, not an empty one) with an
// empty retained QoS 1 message, before the session is disconnected.
func TestRemoveRetained(t *testing.T) {
	s, err := run(t, receive.Options{Subscriptions: subs("#"), RemoveRetained: true, FilterOut: []string{"keep/#"}, Consumer: &consumer{}}, false,
		msg("a", "1", true), msg("keep/b", "2", true), msg("c", "", true), msg("d", "live", false), msg("e", "3", true))
	if err != nil {
		t.Fatal(err)
	}
	var cleared []string
	for _, m := range s.Published() {
		if !m.Retain || m.QoS != 1 || len(m.Payload) != 0 {
			t.Errorf("cleared with %+v, want an empty retained QoS 1 message", m)
		}
		cleared = append(cleared, m.Topic)
	}
	if !slices.Equal(cleared, []string{"a", "e"}) {
		t.Errorf("cleared %q, want a and e", cleared)
	}
}

// A consumer's error ends receiving with it; ErrStop ends it as a normal end.
func TestConsumerError(t *testing.T) {
	full := errors.New("no space left on device")
	for _, tc := range []struct{ err, want error }{{full, full}, {receive.ErrStop, nil}} {
		c := &consumer{err: tc.err}
		if _, err := run(t, receive.Options{Subscriptions: subs("#"), Consumer: c}, true, msg("a", "1", false), msg("b", "2", false)); !errors.Is(err, tc.want) {
			t.Errorf("consumer error %v: ended with %v, want %v", tc.err, err, tc.want)
		}
	}
}

// When the connection is lost, what came before it is flushed, then the session's error returned.
func TestLostConnection(t *testing.T) {
	c := &consumer{}
	s := sessiontest.New()
	r := receive.New(receive.Options{Subscriptions: subs("#"), Consumer: c})
	r.Message(msg("a", "1", false))
	lost := errors.New("connection reset")
	s.Lose(lost)
	if err := r.Run(context.Background(), s); !errors.Is(err, lost) || c.idles == 0 || len(c.got) != 1 {
		t.Errorf("ended with %v after %d flushes, got %q", err, c.idles, c.got)
	}
}

// The printer writes each message as its format prints it, flushes when idle (or at once with
// FlushEach, never before Flush with Hold), tells format problems as data, and takes a reader that went
// away (EPIPE) as ErrStop.
func TestPrinter(t *testing.T) {
	f, err := format.New(format.Options{Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	p := receive.NewPrinter(f, &out, receive.PrinterOptions{})
	if err := p.Message(msg("a", "1", false)); err != nil || out.Len() != 0 {
		t.Fatalf("%v, %q written before the flush", err, out.String())
	}
	if err := p.Idle(); err != nil || out.String() != "a 1\n" {
		t.Fatalf("%v, %q after the flush", err, out.String())
	}

	out.Reset()
	p = receive.NewPrinter(f, &out, receive.PrinterOptions{FlushEach: true})
	if _ = p.Message(msg("b", "2", false)); out.String() != "b 2\n" {
		t.Errorf("FlushEach: %q", out.String())
	}

	out.Reset()
	p = receive.NewPrinter(f, &out, receive.PrinterOptions{Hold: true})
	_ = p.Message(msg("c", "3", false))
	if _ = p.Idle(); out.Len() != 0 {
		t.Errorf("Hold: %q written at Idle", out.String())
	}
	if err := p.Flush(); err != nil || out.String() != "c 3\n" {
		t.Errorf("Hold: %v, %q after Flush", err, out.String())
	}

	j, err := format.Compile("%J", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var told []error
	p = receive.NewPrinter(j, &out, receive.PrinterOptions{OnFormatError: func(err error) { told = append(told, err) }})
	_ = p.Message(msg("d", "not json", false))
	var nj *format.NotJSONError
	if len(told) != 1 || !errors.As(told[0], &nj) {
		t.Errorf("format problems told: %v", told)
	}

	p = receive.NewPrinter(f, epipe{}, receive.PrinterOptions{FlushEach: true})
	if err := p.Message(msg("e", "5", false)); !errors.Is(err, receive.ErrStop) {
		t.Errorf("a write to a closed pipe: %v, want ErrStop", err)
	}
}

type epipe struct{}

func (epipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }
