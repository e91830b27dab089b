package receive_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"mqtt/format"
	"mqtt/internal/codec"
	"mqtt/internal/jq"
	"mqtt/internal/message"
	"mqtt/internal/receive"
)

// content is a receiver as `mqtt sub -v --decode FORMAT --filter F --select S` wires it, printing to
// out, and what its stage told: one line per event.
func content(t testing.TB, decodeAs, filter, sel string, count int, out io.Writer) (*receive.Receiver, *[]string) {
	t.Helper()
	var told []string
	co := receive.ContentOptions{
		OnDecodeError: func(m *message.Message, err error) { told = append(told, "undecoded "+m.Topic) },
		OnNote:        func(m *message.Message, err error) { told = append(told, "note "+m.Topic) },
		OnFilterError: func(m *message.Message, err error) { told = append(told, "failed "+m.Topic) },
	}
	if decodeAs != "" || filter != "" || sel != "" {
		d, err := codec.NewDecoder(codec.Options{Format: decodeAs})
		if err != nil {
			t.Fatal(err)
		}
		co.Show = decodeAs != ""
		co.Decode = func(topic string, payload []byte) (receive.Value, error) {
			v, err := d.Decode(topic, payload)
			if err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	for _, q := range []struct {
		expr string
		f    **jq.Filter
	}{{filter, &co.Filter}, {sel, &co.Select}} {
		if q.expr == "" {
			continue
		}
		c, err := jq.Compile(q.expr, jq.Options{})
		if err != nil {
			t.Fatal(err)
		}
		*q.f = jq.NewFilter(c)
	}
	stage := receive.NewContent(co)
	f, err := format.New(format.Options{Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	p := receive.NewPrinter(f, out, receive.PrinterOptions{
		FlushEach: true, Content: stage, Values: format.NewValues(false, false), DecodedAsPayload: true,
	})
	return receive.New(receive.Options{Filter: stage.Keep, Consumer: p, Count: count}), &told
}

func TestContentDecodesForThePrinter(t *testing.T) {
	var out bytes.Buffer
	r, told := content(t, "cbor", "", "", 0, &out)
	r.Message(&message.Message{Topic: "c", Payload: []byte{0xa1, 0x61, 0x61, 0x01}}) // {"a":1}
	r.Message(msg("t", "not cbor", false))
	r.Message(&message.Message{Topic: "h", Payload: []byte{0x62, 0x68, 0x69}}) // "hi": data, so JSON
	if want := "c {\"a\":1}\nt not cbor\nh \"hi\"\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if strings.Join(*told, ",") != "undecoded t" {
		t.Errorf("told %q", *told)
	}
}

// -C counts the messages the filter keeps; one it fails on is skipped and told, not counted.
func TestContentFilterCountsKeptOnly(t *testing.T) {
	var out bytes.Buffer
	r, told := content(t, "", ".payload.temp > 30", "", 2, &out)
	for _, p := range []string{`{"temp":10}`, `{"temp":31}`, `text`, `{"temp":5}`, `{"temp":40}`, `{"temp":50}`} {
		r.Message(msg("s", p, false))
	}
	if want := "s {\"temp\":31}\ns {\"temp\":40}\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if strings.Join(*told, ",") != "failed s" {
		t.Errorf("told %q", *told)
	}
}

func TestContentSelectPrintsValues(t *testing.T) {
	var out bytes.Buffer
	r, told := content(t, "", ".payload.n > 1", ".payload.n, .topic", 0, &out)
	r.Message(msg("a", `{"n":1}`, false))
	r.Message(msg("b", `{"n":2}`, false))
	r.Message(msg("c", `[1]`, false))
	if want := "2\n\"b\"\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if strings.Join(*told, ",") != "failed c" {
		t.Errorf("told %q", *told)
	}
}

// The filtered path as sub --filter '.payload.temp > 30' runs it over JSON readings: decode (auto),
// filter (the fast path), print the kept ones.
func BenchmarkReceiverFilter(b *testing.B) {
	r, _ := content(b, "", ".payload.temp > 30", "", 0, io.Discard)
	ms := []*message.Message{
		msg("sensors/1", `{"temp":31.5,"hum":40,"id":"sensor-1","ok":true}`, false),
		msg("sensors/2", `{"temp":21.5,"hum":41,"id":"sensor-2","ok":true}`, false),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.Message(ms[i&1])
		i++
	}
}

// sub --decode json --json: the decoded value is written beside the payload from reused buffers.
func TestDecodedJSONLinesAllocateNothing(t *testing.T) {
	d, err := codec.NewDecoder(codec.Options{Format: codec.JSON})
	if err != nil {
		t.Fatal(err)
	}
	stage := receive.NewContent(receive.ContentOptions{Show: true, Decode: func(topic string, payload []byte) (receive.Value, error) {
		v, err := d.Decode(topic, payload)
		if err != nil {
			return nil, err
		}
		return v, nil
	}})
	j, err := format.NewJSONLines(format.JSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := receive.New(receive.Options{Filter: stage.Keep, Consumer: receive.NewPrinter(j, &out, receive.PrinterOptions{Content: stage})})
	m := msg("sensors/1", `{"temp": 31.5, "id": "sensor-1"}`, false)
	r.Message(m)
	r.Idle()
	if !strings.Contains(out.String(), `"decoded":{"temp":31.5,"id":"sensor-1"}`) {
		t.Fatalf("printed %s", out.String())
	}
	r = receive.New(receive.Options{Filter: stage.Keep, Consumer: receive.NewPrinter(j, io.Discard, receive.PrinterOptions{Content: stage})})
	if n := testing.AllocsPerRun(1000, func() { r.Message(m) }); n != 0 {
		t.Errorf("%v allocations a message, want 0", n)
	}
}
