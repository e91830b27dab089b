package cmd

import (
	"context"
	"testing"

	"mqtt/internal/codec"
	"mqtt/internal/message"
)

func TestWatchFieldReadsANumber(t *testing.T) {
	for _, c := range []struct {
		expr, payload string
		want          float64
		ok            bool
	}{
		{".payload | fromjson | .t", `{"t":21.5}`, 21.5, true},
		{".payload | fromjson | .n", `{"n":3}`, 3, true},
		{".payload | fromjson | .s", `{"s":"x"}`, 0, false},
		{".payload | tonumber", `42`, 42, true},
		{".payload | fromjson | .t", `not json`, 0, false},
	} {
		q, perr := compileJQ("field", c.expr)
		if perr != nil {
			t.Fatal(perr)
		}
		n, ok := jqNumber(context.Background(), q, nil)(&message.Message{Topic: "a", Payload: []byte(c.payload)}) // the payload as text
		if c.ok && c.expr == ".payload | fromjson | .t" {
			d, _ := codec.NewDecoder(codec.Options{Format: codec.Auto})
			q2, _ := compileJQ("field", ".payload.t")
			if n2, ok2 := jqNumber(context.Background(), q2, d)(&message.Message{Topic: "a", Payload: []byte(c.payload)}); n2 != c.want || !ok2 {
				t.Errorf(".payload.t decoded: %v %v", n2, ok2)
			}
		}
		if n != c.want || ok != c.ok {
			t.Errorf("%s on %s: %v %v, want %v %v", c.expr, c.payload, n, ok, c.want, c.ok)
		}
	}
}
