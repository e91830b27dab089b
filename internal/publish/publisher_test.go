package publish_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"mqtt/internal/message"
	"mqtt/internal/pace"
	"mqtt/internal/publish"
	"mqtt/internal/session"
	"mqtt/internal/session/sessiontest"
)

// A run's report counts what the broker said of each QoS 1/2 message: acknowledged, refused (with the
// last reason), never answered; a refused or unanswered one is unacknowledged, never delivered.
func TestReportCountsEachOutcome(t *testing.T) {
	s := sessiontest.New()
	s.Ack = func(m *message.Message) (byte, bool) {
		switch m.MID {
		case 2:
			return 0x87, true // refused: not authorized
		case 3:
			return 0, false // never answered
		case 4:
			return 0x10, true // no matching subscribers: a success
		}
		return 0, true
	}
	r := publish.New(publish.Options{
		Session: s, Source: &publish.Repeat{Body: []byte("x"), Count: 5}, Message: message.Message{Topic: "t", QoS: 1},
	}).Run(context.Background())
	if r.Err != nil || r.Sent != 5 || r.Owed != 5 || r.Acked != 3 || r.Refused != 1 || r.Unacked() != 2 || r.LastReason != "Not authorized" {
		t.Errorf("report %+v, unacked %d; want 5 sent and owed, 3 acknowledged, 1 refused for \"Not authorized\", 2 unacknowledged", r, r.Unacked())
	}
	if !s.Disconnected() {
		t.Error("the run did not disconnect")
	}
}

// QoS 0 owes nothing: however the broker behaves, nothing is unacknowledged.
func TestQoS0OwesNothing(t *testing.T) {
	s := sessiontest.New()
	r := publish.New(publish.Options{Session: s, Source: &publish.Repeat{Body: []byte("x"), Count: 3}, Message: message.Message{Topic: "t"}}).Run(context.Background())
	if r.Sent != 3 || r.Owed != 0 || r.Unacked() != 0 {
		t.Errorf("report %+v", r)
	}
}

// Messages ready at once wait in the session's buffer and go out in one write; the last of a run, a
// message with none behind it, and every paced message are flushed at once.
func TestFlushesWhenNoMessageIsReady(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pacer *pace.Pacer
		want  []int
	}{
		{"unpaced", nil, []int{4}},
		{"no limit", pace.New(0, 0, 0, nil), []int{4}},
		{"paced", pace.New(1e6, 0, 0, nil), []int{1, 2, 3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sessiontest.New()
			publish.New(publish.Options{
				Session: s, Source: &publish.Repeat{Body: []byte("x"), Count: 4}, Pacer: tc.pacer, Message: message.Message{Topic: "t"},
			}).Send(context.Background())
			if got := s.FlushedAt(); !slices.Equal(got, tc.want) {
				t.Errorf("flushed after messages %v, want %v", got, tc.want)
			}
		})
	}
}

// Lines that came in together go out in one write; a line with nothing behind it goes at once.
func TestLinesFlushWhenTheInputPauses(t *testing.T) {
	in, w := io.Pipe()
	s := sessiontest.New()
	published := make(chan struct{}, 4)
	s.OnPublish = func(*message.Message) { published <- struct{}{} }
	done := make(chan publish.Report)
	go func() {
		done <- publish.New(publish.Options{Session: s, Source: publish.NewLines(in, ""), Message: message.Message{Topic: "t"}}).Send(context.Background())
	}()
	if _, err := io.WriteString(w, "a\nb\nc\n"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		receive(t, published, "a line published")
	}
	// The input is quiet now (the pipe gives the next write only once it is written): what was
	// published must not wait in the buffer for more.
	if _, err := io.WriteString(w, "d\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r := <-done
	if r.Err != nil || r.Sent != 4 {
		t.Fatalf("report %+v", r)
	}
	flushed := s.FlushedAt()
	if !slices.Contains(flushed, 3) || flushed[len(flushed)-1] != 4 {
		t.Errorf("flushed after messages %v: want a flush once the first write's lines were out (3), before the input went on, and after the last (4)", flushed)
	}
}

// --line-topic lines without a usable topic are skipped, reported with their line number and why, and
// counted; the others go to their own topics.
func TestLinesWithTopics(t *testing.T) {
	s := sessiontest.New()
	var told []publish.Skip
	r := publish.New(publish.Options{
		Session: s, Source: publish.NewLines(strings.NewReader("a/b|one\nno separator\nbad/#|two\nc|three|x\n"), "|"),
		Message: message.Message{Topic: "default"}, OnSkip: func(s publish.Skip) { told = append(told, s) },
	}).Send(context.Background())
	want := []publish.Skip{{Line: 2, Reason: publish.NoSeparator}, {Line: 3, Reason: publish.BadTopic, Topic: "bad/#"}}
	if !slices.Equal(told, want) || r.Skipped != 2 || r.LastSkip != want[1] || r.Sent != 2 || r.Err != nil {
		t.Errorf("report %+v, told %+v; want 2 sent and skips %+v", r, told, want)
	}
	var got []string
	for _, m := range s.Published() {
		got = append(got, m.Topic+" "+string(m.Payload))
	}
	if !slices.Equal(got, []string{"a/b one", "c three|x"}) {
		t.Errorf("published %q", got)
	}
}

// A quiet input does not hold off a lost connection: the run ends with the session's error.
func TestLinesGiveWayToALostConnection(t *testing.T) {
	in, w := io.Pipe()
	defer w.Close()
	s := sessiontest.New()
	lost := errors.New("the broker went away")
	done := make(chan publish.Report)
	go func() {
		done <- publish.New(publish.Options{Session: s, Source: publish.NewLines(in, ""), Message: message.Message{Topic: "t"}}).Send(context.Background())
	}()
	s.Lose(lost)
	select {
	case r := <-done:
		if !errors.Is(r.Err, lost) {
			t.Errorf("the run ended with %v, want the session's error", r.Err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the run did not end within a minute of the lost connection")
	}
}

// A line longer than a PUBLISH carries ends the run with a ReadError.
func TestLinesReadError(t *testing.T) {
	s := sessiontest.New()
	broken := errors.New("broken pipe")
	r := publish.New(publish.Options{Session: s, Source: publish.NewLines(io.MultiReader(strings.NewReader("a\n"), failing{broken}), ""),
		Message: message.Message{Topic: "t"}}).Send(context.Background())
	var re *publish.ReadError
	if !errors.As(r.Err, &re) || !errors.Is(r.Err, broken) || r.Sent != 1 {
		t.Errorf("report %+v, want the line before the error sent and a ReadError", r)
	}
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// A message the session refuses as too large never went out: it is not counted. Any other failed
// publish may have gone: it is counted, and so reported unacknowledged.
func TestFailedPublishCounts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		wantSent int
	}{
		{"too large", &session.TooLargeError{}, 1},
		{"write failed", errors.New("broken pipe"), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sessiontest.New()
			n := 0
			s.PublishErr = func(*message.Message) error {
				if n++; n == 2 {
					return tc.err
				}
				return nil
			}
			r := publish.New(publish.Options{Session: s, Source: &publish.Repeat{Body: []byte("x"), Count: 5}, Message: message.Message{Topic: "t", QoS: 1}}).Send(context.Background())
			if !errors.Is(r.Err, tc.err) || r.Sent != tc.wantSent || r.Owed != tc.wantSent {
				t.Errorf("report %+v, want %d counted and the error", r, tc.wantSent)
			}
		})
	}
}

// --duration ending the run is a normal end; ctx ending it is not, and it is reported as ctx's error.
func TestDurationIsANormalEnd(t *testing.T) {
	s := sessiontest.New()
	r := publish.New(publish.Options{Session: s, Source: &publish.Repeat{Body: []byte("x")}, Pacer: pace.New(1000, 0, 0, nil),
		Message: message.Message{Topic: "t"}, Duration: 20 * time.Millisecond}).Send(context.Background())
	if r.Err != nil || r.Sent == 0 {
		t.Errorf("report %+v, want a normal end after some messages", r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r = publish.New(publish.Options{Session: sessiontest.New(), Source: &publish.Repeat{Body: []byte("x")}, Message: message.Message{Topic: "t"}}).Send(ctx)
	if !errors.Is(r.Err, context.Canceled) || r.Sent != 0 {
		t.Errorf("report %+v, want nothing sent and ctx's error", r)
	}
}

// The renderer fills in each message, numbered from 1, before it is published; OnSent sees it as sent.
func TestRenderAndOnSent(t *testing.T) {
	s := sessiontest.New()
	var sent []uint16
	publish.New(publish.Options{
		Session: s, Source: &publish.Repeat{Body: []byte("x"), Count: 3}, Message: message.Message{Topic: "t", QoS: 1},
		Render: numbered{}, OnSent: func(m *message.Message) { sent = append(sent, m.MID) },
	}).Send(context.Background())
	var topics []string
	for _, m := range s.Published() {
		topics = append(topics, m.Topic)
	}
	if !slices.Equal(topics, []string{"t/1", "t/2", "t/3"}) || !slices.Equal(sent, []uint16{1, 2, 3}) {
		t.Errorf("published %q, told %v", topics, sent)
	}
}

type numbered struct{}

func (numbered) Render(m *message.Message, n uint64) error {
	m.Topic = "t/" + string(rune('0'+n))
	return nil
}

// --size sends new random bytes of the size asked in each message.
func TestRandomPayloads(t *testing.T) {
	s := sessiontest.New()
	publish.New(publish.Options{Session: s, Source: &publish.Random{Size: 32, Count: 2, Rand: newRand()}, Message: message.Message{Topic: "t"}}).Send(context.Background())
	p := s.Published()
	if len(p) != 2 || len(p[0].Payload) != 32 || len(p[1].Payload) != 32 || string(p[0].Payload) == string(p[1].Payload) {
		t.Errorf("published %d messages: %+v", len(p), p)
	}
}
