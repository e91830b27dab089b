package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
)

// FuzzCompile: no format string panics or hangs in either dialect, a refused one fails with one of mosquitto's
// errors, output stays within a bound set by the sizes of the format and the message, DialectMQTT accepts what
// DialectMosquitto accepts and prints it the same but for hex groups, %j output is always JSON, and %J re-prints
// any plain JSON payload as JSON.
func FuzzCompile(f *testing.F) {
	for _, oc := range outputCases {
		for i, a := range oc.args {
			if a == "-F" {
				f.Add(oc.args[i+1], []byte(`{"a":[1,"b",{"c":null}]}`))
			}
		}
	}
	for _, r := range refusals {
		f.Add(r.spec, []byte("x"))
	}
	for _, fx := range fixtures {
		f.Add("%j%J%p%-5x@c", []byte(fx.payload))
	}
	for _, s := range mosquitto21Specs {
		f.Add(s.spec, []byte("\x00\x00\xacA"))
		f.Add(s.spec, []byte("\x00\x00\x00\x00\x00\x805@"))
	}
	var buf []byte
	f.Fuzz(func(t *testing.T, spec string, payload []byte) {
		// A long format full of wide fields prints megabytes per message; minimising such an input would spend
		// the fuzzing time allocating. Past this size specs teach nothing new.
		if len(spec) > 1024 {
			return
		}
		for _, opts := range []Options{{Location: time.UTC}, {Pretty: true, NoEOL: true, Location: time.UTC}} {
			fm, ok := compileChecked(t, spec, opts)
			opts.Dialect = DialectMQTT
			mqtt, mqttOK := compileChecked(t, spec, opts)
			if ok && !mqttOK {
				t.Fatalf("Compile(%q) refused in DialectMQTT, accepted in DialectMosquitto", spec)
			}
			for _, m := range fuzzMessages(payload) {
				var out []byte
				if ok {
					out, _ = fm.Append(buf[:0], m)
					buf = out
					checkBound(t, spec, m, out)
				}
				if mqttOK {
					got, _ := mqtt.Append(nil, m)
					checkBound(t, spec, m, got)
					if ok && !hasHexGroups(mqtt) && !bytes.Equal(got, out) {
						t.Fatalf("-F %q: DialectMQTT printed %q, DialectMosquitto %q", spec, got, out)
					}
				}
			}
		}
		checkJSON(t, payload)
	})
}

// compileChecked compiles spec; ok is false when it is refused with one of mosquitto's errors.
func compileChecked(t *testing.T, spec string, opts Options) (f *Formatter, ok bool) {
	f, err := Compile(spec, opts)
	if err != nil {
		var se *SpecifierError
		if !errors.Is(err, ErrIncompleteFormat) && !errors.Is(err, ErrIncompleteEscape) && !errors.As(err, &se) {
			t.Fatalf("Compile(%q): unexpected error %v", spec, err)
		}
		return nil, false
	}
	return f, true
}

func checkBound(t *testing.T, spec string, m *message.Message, out []byte) {
	if limit := outputBound(spec, m); len(out) > limit {
		t.Fatalf("Compile(%q) printed %d bytes for a %d-byte payload, over the bound %d",
			spec, len(out), len(m.Payload), limit)
	}
}

func hasHexGroups(f *Formatter) bool {
	for _, s := range f.steps {
		if s.group > 0 {
			return true
		}
	}
	return false
}

func fuzzMessages(payload []byte) []*message.Message {
	v5 := fixtureNamed("v5").message(expiry)
	v5.Payload = payload
	v5.Props.CorrelationData = payload
	return []*message.Message{
		{Topic: "fuzz/topic", Payload: payload, Received: time.Unix(1704402245, 123456789)},
		v5,
	}
}

// outputBound is generous but finite: every byte of the format yields at most one step, and a step prints at
// most a clamped width plus the message several times over, or, for pretty %J, a line per payload byte indented
// by at most the payload's length in tabs.
func outputBound(spec string, m *message.Message) int {
	n := len(m.Topic) + len(m.Payload)
	if p := m.Props; p != nil {
		n += len(p.ContentType) + len(p.ResponseTopic) + len(p.CorrelationData) + 64*len(p.User) + 256
	}
	return (len(spec)+1)*(maxWidth+1024+8*n+n*n) + 1
}

func checkJSON(t *testing.T, payload []byte) {
	for _, pretty := range []bool{false, true} {
		opts := Options{NoEOL: true, Pretty: pretty, Location: time.UTC}
		j, _ := Compile("%j", opts)
		for _, m := range fuzzMessages(payload) {
			if out, _ := j.Append(nil, m); !json.Valid(out) {
				t.Fatalf("%%j printed invalid JSON for %q: %s", payload, out)
			}
		}
		// cJSON refuses lone surrogates, which JSON's grammar allows, and nesting over 1000.
		if !json.Valid(payload) || !utf8.Valid(payload) || bytes.Contains(payload, []byte(`\u`)) ||
			bytes.Count(payload, []byte("["))+bytes.Count(payload, []byte("{")) > cjsonNestingLimit {
			continue
		}
		raw, _ := Compile("%J", opts)
		out, err := raw.Append(nil, &message.Message{Topic: "t", Payload: payload})
		if len(payload) > 0 && (err != nil || !json.Valid(out)) {
			t.Fatalf("%%J of the JSON %q: %v, printed %s", payload, err, out)
		}
	}
}
