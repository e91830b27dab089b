package session

import (
	"context"
	"testing"
)

func TestWindowCountsEveryOutcome(t *testing.T) {
	w := newWindow(2)
	done := make(chan struct{})
	ctx := Bounded(t)
	for i := 0; i < 2; i++ {
		if err := w.acquire(ctx, done); err != nil {
			t.Fatal(err)
		}
	}
	// The window is full: a third acquire waits until a slot is settled.
	third := make(chan error, 1)
	go func() { third <- w.acquire(ctx, done) }()
	w.settle(settleAcked, "")
	if err := Receive(t, third, "room for a third publish after a settle"); err != nil {
		t.Fatal(err)
	}
	w.settle(settleRefused, "Quota exceeded")
	w.settle(settleAcked, "")
	r := w.drain(ctx, done)
	if ctx.Err() != nil {
		t.Fatalf("drain waited until the test's bound with %+v: an outcome went uncounted", r)
	}
	if r.Sent != 3 || r.Acked != 2 || r.Refused != 1 || r.LastReason != "Quota exceeded" || r.Unacked() != 1 {
		t.Fatalf("report %+v", r)
	}
}

func TestWindowDrainAfterLostConnection(t *testing.T) {
	w := newWindow(4)
	done := make(chan struct{})
	ctx := Bounded(t)
	for i := 0; i < 3; i++ {
		_ = w.acquire(ctx, done)
	}
	w.settle(settleAcked, "")
	close(done)
	if err := w.acquire(ctx, done); err == nil {
		// A select may pick the free slot over the closed channel; give it back.
		w.release()
	}
	// The ack reader counts what had arrived, then finishes; drain waits for it.
	go func() { w.settle(settleAcked, ""); w.finish() }()
	r := w.drain(ctx, done)
	if ctx.Err() != nil {
		t.Fatalf("drain after a lost connection waited until the test's bound with %+v", r)
	}
	if r.Acked != 2 || r.Unacked() != 1 {
		t.Fatalf("report %+v", r)
	}
}

func TestWindowDrainStopsWithContext(t *testing.T) {
	w := newWindow(1)
	_ = w.acquire(context.Background(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := w.drain(ctx, nil); r.Unacked() != 1 {
		t.Fatalf("report %+v", r)
	}
}
