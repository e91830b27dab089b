package bench_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"mqtt/internal/bench/gate"
	"mqtt/internal/bench/header"
	"mqtt/internal/bench/latency"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/seqtrack"
	"mqtt/internal/bench/summary"
)

// Example wires the packages as the bench command does, with a loop in place of the broker and a fake
// clock: publishers follow the schedule and stamp the header, the subscriber reads it back, tracks the
// sequence and records latency, and the result is summarised and gated.
func Example() {
	settings := result.Settings{Scenario: "pubsub", Shape: "fanout", Broker: "loop", RunID: header.RunID("example"),
		Shards: 1, Publishers: 2, Subscribers: 1, PayloadSize: 64, Topic: "bench/%i", Rate: 100, Count: 100}
	sched := settings.Schedule()
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := header.NewClock(start)
	reader := header.Reader{Run: settings.RunID, Publishers: settings.Publishers}

	pubTally := make([]result.Tally, settings.Publishers)
	var subTally result.Tally
	e2e, ack := latency.NewRecorder(0), latency.NewRecorder(0)
	streams := seqtrack.NewStreams(seqtrack.Options{Publishers: settings.Publishers, Expect: seqtrack.Expect{All: true}})

	for g := range settings.Publishers {
		p := sched.For(g, start)
		payload, err := header.Payload(settings.PayloadSize, settings.RunID)
		if err != nil {
			panic(err)
		}
		for {
			seq, intended, ok := p.Next(start) // the fake clock: never behind, never waiting
			if !ok {
				break
			}
			sent := intended.Add(50 * time.Microsecond) // as if the send took a little while
			header.Put(payload, header.Header{Run: settings.RunID, Publisher: uint32(g), Seq: uint64(seq),
				Intended: clock.Ns(intended), Sent: clock.Ns(sent)})
			pubTally[g].Message(len(payload), p.Counted(intended))
			ack.Record(g, 300*time.Microsecond) // from the session's acknowledgement event
			if seq == 7 && g == 1 {
				continue // the broker loses one message
			}
			// The subscriber side.
			received := clock.Ns(sent.Add(200 * time.Microsecond))
			h, err := reader.Read(payload)
			if err != nil {
				continue // not ours: count it as an error of its own, do not record
			}
			streams.Observe(int(h.Publisher), h.Seq)
			subTally.Message(len(payload), true)
			e2e.Record(0, time.Duration(received-h.Intended))
		}
	}

	pub := result.Role{Name: result.Pub}
	for g := range pubTally {
		pub.Clients = append(pub.Clients, pubTally[g].Client(g, fmt.Sprintf("pub-%d", g), 0))
	}
	pub.AddRecorder(result.Ack, ack)
	sub := result.Role{Name: result.Sub, Clients: []result.Client{subTally.Client(0, "sub-0", 0)},
		Receivers: []result.Receiver{{Name: "sub-0", Expect: streams.Expect(), Counts: streams.Counts()}}}
	sub.AddRecorder(result.Latency, e2e)
	r := &result.Result{Version: result.Version, Settings: settings, Shards: []result.Shard{{Index: 0}},
		Start: start, End: start.Add(time.Second), Roles: []result.Role{pub, sub}}

	var out bytes.Buffer
	_ = summary.Write(&out, r, summary.Options{})
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, " end-to-end") || strings.HasPrefix(line, "Delivery") {
			fmt.Println(strings.Join(strings.Fields(line), " "))
		}
	}
	gates, _ := gate.Parse("p99<1ms,loss==0,rate>=0.98")
	for _, o := range gate.Evaluate(gates, r) {
		fmt.Printf("%s: %v\n", o.Text, o.Pass)
	}
	// Output:
	// end-to-end 250µs 250µs 250µs 250µs 250µs 99
	// Delivery: 99 of 100 expected, lost 1 (1.00%), duplicates 0, reordered 0
	// p99<1ms: true
	// loss==0: false
	// rate>=0.98: true
}
