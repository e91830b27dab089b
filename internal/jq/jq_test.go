package jq

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"mqtt/internal/codec"
	"mqtt/internal/message"
)

func TestCompileErrorsHaveColumns(t *testing.T) {
	for expr, want := range map[string]string{
		".payload.temp >":      "unexpected EOF at column 16",
		".payload.temp ] 3":    `unexpected token "]" at column 15`,
		`.topic == "é" and ]`:  `unexpected token "]" at column 19`,
		".payload | nosuch(1)": "function not defined: nosuch/1",
		`"\x"`:                 `string literal at column 2`,
	} {
		_, err := Compile(expr, Options{})
		var ce *CompileError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", expr, err, want)
		}
	}
}

func msg(payload any) map[string]any {
	in := NewInput()
	return in.Set(&message.Message{Topic: "a/b", QoS: 1, Received: time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC)}, payload)
}

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		expr    string
		payload any
		keep    bool
		err     string
	}{
		{".payload.temp > 30", map[string]any{"temp": 31.5}, true, ""},
		{".payload.temp > 30", map[string]any{"temp": 30}, false, ""},
		{".payload.temp > 30", map[string]any{}, false, ""},    // null > 30 is false
		{".payload.temp", map[string]any{"temp": 0}, true, ""}, // 0 is truthy in jq
		{".payload.temp", map[string]any{"temp": nil}, false, ""},
		{"empty", nil, false, ""},
		{"false, null, 1", nil, true, ""},
		{".topic | startswith(\"a/\")", nil, true, ""},
		{".qos == 1 and .retain == false and .properties == null", nil, true, ""},
		{`.time == "2026-12-01T10:00:00.123456Z"`, nil, true, ""},
		{".payload.temp + \"x\"", map[string]any{"temp": 1}, false, "cannot add"},
		{"1, error(\"boom\")", nil, true, ""}, // kept at the first truthy output, before the error
		{"false, error(\"boom\")", nil, false, "boom"},
		{"halt", nil, false, "halt"},
	} {
		q, err := Compile(tt.expr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		keep, err := q.Match(context.Background(), msg(tt.payload))
		var re *RuntimeError
		if keep != tt.keep || (tt.err == "") != (err == nil) || err != nil && (!errors.As(err, &re) || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s on %v: keep %v, err %v", tt.expr, tt.payload, keep, err)
		}
	}
}

func TestRun(t *testing.T) {
	q, err := Compile(`(.payload.list[] | {v: ., t: 1}), (.payload.n | . / 0)?`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = q.Run(context.Background(), msg(map[string]any{"list": []any{1, "x"}, "n": 1}), func(v any) error {
		got = append(got, string(AppendJSON(nil, v)))
		return nil
	})
	if err != nil || strings.Join(got, " ") != `{"t":1,"v":1} {"t":1,"v":"x"}` {
		t.Errorf("got %v, %v", got, err)
	}
	stop := errors.New("stop")
	if err := q.Run(context.Background(), msg(map[string]any{"list": []any{1, 2}}), func(any) error { return stop }); err != stop {
		t.Errorf("yield's error: %v", err)
	}
}

func TestEnvironIsGivenNotRead(t *testing.T) {
	q, _ := Compile(`$ENV.X // "unset"`, Options{})
	q2, _ := Compile(`$ENV.X`, Options{Environ: func() []string { return []string{"X=1"} }})
	for _, c := range []struct {
		q    *Query
		want string
	}{{q, `"unset"`}, {q2, `"1"`}} {
		c.q.Run(context.Background(), nil, func(v any) error {
			if s := string(AppendJSON(nil, v)); s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
			return nil
		})
	}
}

func TestInputProperties(t *testing.T) {
	pf, exp, alias := byte(1), uint32(60), uint16(3)
	in := NewInput().Set(&message.Message{Topic: "t", Props: &message.Properties{
		PayloadFormat: &pf, MessageExpiry: &exp, ContentType: "application/json", ResponseTopic: "r",
		CorrelationData: []byte{0xff}, SubscriptionIDs: []int{4, 5}, TopicAlias: &alias,
		User: []message.UserProperty{{Key: "k", Value: "v"}, {Key: "k", Value: "w"}},
	}}, nil)
	got := string(AppendJSON(nil, in["properties"]))
	want := `{"content-type":"application/json","correlation-data":"/w==","correlation-data-encoding":"base64","message-expiry-interval":60,"payload-format-indicator":1,"response-topic":"r","subscription-identifier":[4,5],"topic-alias":3,"user-property":[["k","v"],["k","w"]]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAppendJSONAsJq(t *testing.T) {
	v := []any{math.NaN(), math.Inf(1), math.Inf(-1), 1.5, 3, map[string]any{"b": nil, "a": "x\n"}}
	if got := string(AppendJSON(nil, v)); got != `[null,1.7976931348623157e+308,-1.7976931348623157e+308,1.5,3,{"a":"x\n","b":null}]` {
		t.Errorf("got %s", got)
	}
}

// The filter sees the decoded payload: a CBOR message filtered by its content.
func TestFilterOnDecodedPayload(t *testing.T) {
	enc, _ := codec.NewEncoder(codec.Options{Format: codec.CBOR})
	dec, _ := codec.NewDecoder(codec.Options{Format: codec.CBOR})
	q, _ := Compile(".payload.temp > 30", Options{})
	in := NewInput()
	var kept []string
	for _, p := range []string{`{"temp":31}`, `{"temp":29}`, `{"temp":30.5}`} {
		b, _ := enc.Encode(nil, "t", []byte(p))
		v, err := dec.Decode("t", b)
		if err != nil {
			t.Fatal(err)
		}
		pj, _ := v.JQ()
		m := message.Message{Topic: "t", Payload: b}
		if keep, err := q.Match(context.Background(), in.Set(&m, pj)); err != nil {
			t.Fatal(err)
		} else if keep {
			kept = append(kept, p)
		}
	}
	if strings.Join(kept, " ") != `{"temp":31} {"temp":30.5}` {
		t.Errorf("kept %v", kept)
	}
}
