package codec

import (
	"testing"
)

// The same small reading in every format, as a device sends it: decode cost per message, to JSON (what
// --json and the terminal view need) and to gojq input (what --filter needs).
var benchFormats = []struct {
	name string
	opts Options
	in   string
}{
	{"json", Options{Format: JSON}, sample},
	{"cbor", Options{Format: CBOR}, sample},
	{"msgpack", Options{Format: MsgPack}, sample},
	{"protobuf-raw", Options{Format: Protobuf}, `{"1":"sensor-1","2":21.5,"3":40,"5":1}`},
	{"protobuf-schema", Options{Format: Protobuf, ProtoFile: "protobuf/testdata/sensor.proto"}, `{"id":"sensor-1","temp":21.5,"humidity":40,"ok":true}`},
	{"avro", Options{Format: Avro, AvroSchema: "testdata/reading.avsc"}, sample},
	{"sparkplug", Options{Format: Sparkplug}, `{"timestamp":1764583200000,"seq":1,"metrics":[{"name":"temp","alias":1,"timestamp":1764583200000,"type":"Float","value":21.5},{"name":"hum","alias":2,"timestamp":1764583200000,"type":"Int32","value":40},{"name":"id","alias":3,"timestamp":1764583200000,"type":"String","value":"sensor-1"},{"name":"ok","alias":4,"timestamp":1764583200000,"type":"Boolean","value":true}]}`},
	{"text", Options{Format: Text}, `"21.5 40 sensor-1 true"`},
	{"hex", Options{Format: Hex}, `"0a0873656e736f722d3111000000000000354015cdcc2042"`},
	{"auto-json", Options{}, sample},
}

func benchPayload(b *testing.B, o Options, in string) []byte {
	f := o
	if f.Format == "" {
		f.Format = JSON
	}
	enc, err := NewEncoder(f)
	if err != nil {
		b.Fatal(err)
	}
	p, err := enc.Encode(nil, "spBv1.0/g/NDATA/e", []byte(in))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkDecodeJSON(b *testing.B) {
	for _, f := range benchFormats {
		b.Run(f.name, func(b *testing.B) {
			payload := benchPayload(b, f.opts, f.in)
			dec, err := NewDecoder(f.opts)
			if err != nil {
				b.Fatal(err)
			}
			var buf []byte
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				v, err := dec.Decode("spBv1.0/g/NDATA/e", payload)
				if err != nil {
					b.Fatal(err)
				}
				buf = v.AppendJSON(buf[:0])
			}
		})
	}
}

func BenchmarkDecodeJQ(b *testing.B) {
	for _, f := range benchFormats {
		b.Run(f.name, func(b *testing.B) {
			payload := benchPayload(b, f.opts, f.in)
			dec, err := NewDecoder(f.opts)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				v, err := dec.Decode("spBv1.0/g/NDATA/e", payload)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.JQ(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAutoText is --decode auto on a text payload: JSON is tried first and must cost no allocation.
func BenchmarkAutoText(b *testing.B) {
	dec, _ := NewDecoder(Options{})
	payload := []byte("21.5 degrees in the kitchen")
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		v, err := dec.Decode("t", payload)
		if err != nil || v.Kind() != KindText {
			b.Fatal(err)
		}
		buf = v.AppendJSON(buf[:0])
	}
}
