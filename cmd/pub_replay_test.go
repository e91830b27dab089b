package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/internal/broker/brokertest"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
)

// A recording with irregular gaps is replayed through a broker at --speed 1 and 10: every message comes
// back, in order, byte for byte, and none arrives before its due time (start + recorded offset / speed),
// which a replay that ignored the gaps would break. How late they come is logged: the figure for the
// report (MQTT_REPLAY_N=2000 for a longer run), not a threshold.
func TestReplayKeepsTheRecordedGaps(t *testing.T) {
	n := 40
	if s := os.Getenv("MQTT_REPLAY_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	rnd := rand.New(rand.NewPCG(19, 19))
	offsets := make([]time.Duration, n)
	var rec strings.Builder
	for i := range n {
		if i > 0 {
			// Bursts, short gaps and a few long ones.
			gaps := []time.Duration{0, 200 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond}
			offsets[i] = offsets[i-1] + gaps[rnd.IntN(len(gaps))]
		}
		fmt.Fprintf(&rec, `{"topic":"rt/%d","payload":"m%d","qos":1,"retain":false,"time_ns":%d}`+"\n", i%3, i, int64(1e18)+int64(offsets[i]))
	}
	file := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := os.WriteFile(file, []byte(rec.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b := brokertest.Start(t, transport.TCP)
	port := strconv.Itoa(b.Port(transport.TCP))
	for _, speed := range []float64{1, 10} {
		t.Run(fmt.Sprint("speed ", speed), func(t *testing.T) {
			// A tree of each run's own: the subscriber of the run before may still be registered.
			tree := fmt.Sprint("speed", speed)
			received := subscribeJSON(t, b, port, tree+"/#", n)
			start := time.Now()
			if code, _, errOut := run(t, "mqtt", "pub", "-p", port, "--replay", file, "--speed", fmt.Sprint(speed), "--topic-prefix", tree); code != 0 {
				t.Fatalf("pub --replay: exit %d: %s", code, errOut)
			}
			got := <-received
			if len(got) != n {
				t.Fatalf("%d messages back, want %d", len(got), n)
			}
			late := make([]time.Duration, n)
			for i, m := range got {
				if m.Payload != "m"+strconv.Itoa(i) || m.Topic != tree+"/rt/"+strconv.Itoa(i%3) {
					t.Fatalf("message %d is %s %s: order or payload lost", i, m.Topic, m.Payload)
				}
				due := start.Add(time.Duration(float64(offsets[i]) / speed))
				at := time.Unix(0, m.TimeNS)
				if at.Before(due) {
					t.Errorf("message %d arrived %v before its due time", i, due.Sub(at))
				}
				late[i] = at.Sub(due)
			}
			// The first is late by the connection's set-up; the schedule's error is each one's lateness
			// beyond the first's.
			errs := make([]time.Duration, n)
			for i := range late {
				errs[i] = max(0, late[i]-late[0])
			}
			slices.Sort(errs)
			t.Logf("speed %v, %d messages over %v: timing error p50 %v, p99 %v, max %v", speed, n,
				offsets[n-1], errs[n/2], errs[(n*99)/100], errs[n-1])
		})
	}
}

type jsonMessage struct {
	Topic   string `json:"topic"`
	Payload string `json:"payload"`
	TimeNS  int64  `json:"time_ns"`
}

// subscribeJSON runs `mqtt sub --json -C n` on filter until it has subscribed, and sends what it
// printed once it has ended.
func subscribeJSON(t *testing.T, b *brokertest.Broker, port, filter string, n int) <-chan []jsonMessage {
	t.Helper()
	streams, out, errOut := iostreams.Test("")
	done := make(chan []jsonMessage, 1)
	go func() {
		code := RunWith(context.Background(), []string{"mqtt", "sub", "-p", port, "-t", filter, "-q", "1", "-C", strconv.Itoa(n), "--json"}, streams)
		var got []jsonMessage
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			var m jsonMessage
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("sub --json printed %q: %v", sc.Text(), err)
			}
			got = append(got, m)
		}
		if code != 0 {
			t.Errorf("sub: exit %d: %s", code, errOut)
		}
		done <- got
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(b.Server().Topics.Subscribers(strings.TrimSuffix(filter, "#")+"x").Subscriptions) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the subscriber did not subscribe within 10s")
		}
		time.Sleep(5 * time.Millisecond) // polling the broker's state: there is no event to wait on
	}
	return done
}
