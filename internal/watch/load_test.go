package watch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mqtt/internal/message"
)

// screenWriter is the program's terminal: it notes when a word it waits for is written.
type screenWriter struct {
	mu   sync.Mutex
	tail []byte // the end of the last write, for a word split across two
	want []byte
	hit  chan time.Time
}

func (w *screenWriter) expect(word string) {
	w.mu.Lock()
	w.want = []byte(word)
	w.mu.Unlock()
}

func (w *screenWriter) Write(p []byte) (int, error) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.want != nil && (bytes.Contains(p, w.want) || bytes.Contains(append(w.tail, p[:min(len(p), len(w.want))]...), w.want)) {
		w.want = nil
		w.hit <- now
	}
	w.tail = append(w.tail[:0], p[max(len(p)-16, 0):]...)
	return len(p), nil
}

// feed publishes rate messages a second to the store over topics, on the schedule an open-loop publisher
// keeps (what is due by now, in bursts when the goroutine wakes late), until ctx ends; it returns how
// many it sent.
func feed(ctx context.Context, s *Store, rate, topics int) uint64 {
	names := make([]string, topics)
	for i := range names {
		names[i] = fmt.Sprintf("load/%03d", i)
	}
	m := message.Message{QoS: 1}
	start := time.Now()
	var sent uint64
	for ctx.Err() == nil {
		due := uint64(time.Since(start).Seconds() * float64(rate))
		for ; sent < due; sent++ {
			m.Topic = names[sent%uint64(topics)]
			m.Payload = strconv.AppendUint(m.Payload[:0], sent%1000, 10)
			m.Received = time.Now()
			s.Add(&m)
		}
		time.Sleep(time.Millisecond)
	}
	return sent
}

// BenchmarkWatchUnderLoad runs the real program (renderer and all, on a pipe for a terminal) while 20,000
// messages a second arrive, presses p every 200 ms and measures how long until the screen shows it
// (PAUSED, then live again); at the end it checks that the count on the screen is the number sent. Run it
// alone, under the shared lock:
//
//	flock /tmp/mqtt-bench.lock go test ./internal/watch -run '^$' -bench WatchUnderLoad -benchtime 1x
func BenchmarkWatchUnderLoad(b *testing.B) {
	const rate, topics, presses = 20000, 200, 50
	for b.Loop() {
		store := NewStore(StoreOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		keys, typer := io.Pipe()
		out := &screenWriter{hit: make(chan time.Time, 1)}
		o := Options{Color: true, Environ: []string{"TERM=xterm-256color"}}
		m := newModel(ctx, store, o)
		p := tea.NewProgram(m, append(programOptions(ctx, o, keys, out), tea.WithWindowSize(120, 40))...)
		done := make(chan tea.Model, 1)
		go func() {
			final, err := p.Run()
			if err != nil && ctx.Err() == nil {
				b.Error(err)
			}
			done <- final
		}()
		sentc := make(chan uint64, 1)
		feedCtx, stopFeed := context.WithCancel(ctx)
		cpu0, wall0 := cpuTime(), time.Now()
		go func() { sentc <- feed(feedCtx, store, rate, topics) }()

		time.Sleep(time.Second) // let the stream settle before the first press
		var lat []time.Duration
		for i := range presses {
			word := "PAUSED"
			if i%2 == 1 {
				word = "live"
			}
			out.expect(word)
			at := time.Now()
			if _, err := typer.Write([]byte("p")); err != nil {
				b.Fatal(err)
			}
			select {
			case t := <-out.hit:
				lat = append(lat, t.Sub(at))
			case <-time.After(5 * time.Second):
				b.Fatalf("press %d: no %s on the screen", i, word)
			}
			time.Sleep(200 * time.Millisecond)
		}
		stopFeed()
		sent := <-sentc
		elapsed := time.Since(wall0)
		cpu := cpuTime() - cpu0
		time.Sleep(200 * time.Millisecond) // a few frames for the last messages
		if _, err := typer.Write([]byte("q")); err != nil {
			b.Fatal(err)
		}
		final := (<-done).(*model)
		cancel()
		header := final.headerLine()
		if store.Total() != sent || final.snap.Total != sent || !bytes.Contains([]byte(header), []byte(" "+strconv.FormatUint(sent, 10)+" msgs")) {
			b.Fatalf("sent %d, store counted %d, the screen shows %q", sent, store.Total(), header)
		}
		var perTopic uint64
		for _, v := range final.snap.Topics {
			perTopic += v.Count
		}
		if perTopic != sent {
			b.Fatalf("topic counts add up to %d of %d", perTopic, sent)
		}
		slices.Sort(lat)
		q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(q(0.5), "key-p50-ms")
		b.ReportMetric(q(0.99), "key-p99-ms")
		b.ReportMetric(q(1), "key-max-ms")
		b.ReportMetric(float64(sent)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(sent), "msgs")
		b.ReportMetric(float64(cpu)/float64(elapsed), "cpu/wall")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkStoreAdd is the cost a message adds to the session's goroutine.
func BenchmarkStoreAdd(b *testing.B) {
	s := NewStore(StoreOptions{})
	m := message.Message{Topic: "load/001", Payload: []byte("21.5"), Received: t0}
	b.ReportAllocs()
	for b.Loop() {
		s.Add(&m)
	}
}

// BenchmarkFrame is one frame of a screen full of topics that all changed: snapshot and drawing.
func BenchmarkFrame(b *testing.B) {
	s := NewStore(StoreOptions{})
	m := newModel(context.Background(), s, Options{Color: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	msg := message.Message{Payload: []byte(`{"temperature": 21.5, "humidity": 40}`)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for k := range 1000 {
			msg.Topic = "load/" + strconv.Itoa(k)
			msg.Received = t0.Add(time.Duration(i) * time.Millisecond)
			s.Add(&msg)
		}
		m.Update(tickMsg(t0))
		_ = m.View()
	}
}

// cpuTime is the process's user and system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
