package receive_test

import (
	"io"
	"testing"

	"mqtt/format"
	"mqtt/internal/message"
	"mqtt/internal/receive"
	"mqtt/internal/session"
)

// The receive path is one call per message on the session's reader, with no copy and no hand-off: a
// message through the filters and the printer allocates nothing.
func TestReceivePathAllocatesNothing(t *testing.T) {
	r, m := printing(t)
	if n := testing.AllocsPerRun(1000, func() { r.Message(m) }); n != 0 {
		t.Errorf("%v allocations a message, want 0", n)
	}
}

func BenchmarkReceiverPrint(b *testing.B) {
	r, m := printing(b)
	b.ReportAllocs()
	for b.Loop() {
		r.Message(m)
	}
}

// printing is a receiver as `mqtt sub -v -T x/#` has it, printing to io.Discard, and a message it prints.
func printing(tb testing.TB) (*receive.Receiver, *message.Message) {
	f, err := format.New(format.Options{Verbose: true})
	if err != nil {
		tb.Fatal(err)
	}
	r := receive.New(receive.Options{
		Subscriptions: []session.Subscription{{Filter: "#"}}, FilterOut: []string{"x/#"},
		Consumer: receive.NewPrinter(f, io.Discard, receive.PrinterOptions{}),
	})
	return r, &message.Message{Topic: "sensors/kitchen/temperature", Payload: []byte("21.5")}
}
