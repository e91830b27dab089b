package replay

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqtt/internal/message"
)

// irregular is a recording of n messages with gaps of 0 to 20 ms, bursts of back-to-back messages and a
// pause of half a second, from a fixed seed; it returns the recording and each message's offset.
func irregular(n int) (string, []time.Duration) {
	rnd := rand.New(rand.NewPCG(19, 19))
	var b strings.Builder
	var offs []time.Duration
	var off time.Duration
	for i := range n {
		switch {
		case i == n/2:
			off += 500 * time.Millisecond
		case rnd.IntN(5) == 0: // a burst
		default:
			off += time.Duration(rnd.Int64N(int64(20 * time.Millisecond)))
		}
		offs = append(offs, off)
		b.WriteString(line("t/"+fmt.Sprint(i%7), fmt.Sprint(i), int64(off)))
	}
	return b.String(), offs
}

// BenchmarkReplayTimingError replays a recording with irregular gaps on the real clock and reports how far
// each publish is from its due time, taking the first publish as the start (what a subscriber sees of the
// gaps). Run it alone, under the shared lock:
//
//	flock /tmp/mqtt-bench.lock go test ./internal/replay -run '^$' -bench TimingError -benchtime 1x
func BenchmarkReplayTimingError(b *testing.B) {
	rec, offs := irregular(600)
	for _, c := range []struct {
		speed float64
		name  string
		clock Clock
	}{
		{1, "default", RealClock{Spin: DefaultSpin}}, {10, "default", RealClock{Spin: DefaultSpin}},
		{1, "nanosleep", RealClock{}}, {10, "nanosleep", RealClock{}},
		{1, "timer", timerClock{}}, {10, "timer", timerClock{}},
	} {
		b.Run(fmt.Sprintf("speed=%v/clock=%s", c.speed, c.name), func(b *testing.B) {
			speed := c.speed
			var errs []time.Duration
			cpu0, wall0 := cpuTime(), time.Now()
			for b.Loop() {
				at := make([]time.Time, 0, len(offs))
				pub := func(_ context.Context, m *message.Message) error {
					at = append(at, time.Now())
					return nil
				}
				if _, err := Replay(context.Background(), strings.NewReader(rec), pub, Options{Speed: speed, Clock: c.clock}); err != nil {
					b.Fatal(err)
				}
				for i, t := range at {
					want := time.Duration(float64(offs[i]) / speed)
					e := t.Sub(at[0]) - want
					errs = append(errs, max(e, -e))
				}
			}
			slices.Sort(errs)
			q := func(p float64) float64 { return float64(errs[int(p*float64(len(errs)-1))].Microseconds()) }
			b.ReportMetric(q(0.5), "p50-µs")
			b.ReportMetric(q(0.99), "p99-µs")
			b.ReportMetric(q(1), "max-µs")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Since(wall0)), "cpu/wall")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the process's user and system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timerClock sleeps on Go timers alone, for comparison.
type timerClock struct{ RealClock }

func (timerClock) SleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
