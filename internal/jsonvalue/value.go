// Package jsonvalue is the in-memory JSON value that every payload codec decodes to and encodes from: an
// object keeps its members in order (CBOR, MessagePack, protobuf and Avro all have one, and a person reads a
// payload in the order the device wrote it), and the tree is written as compact JSON or handed to gojq.
//
// A value is one of: nil, bool, int64, uint64, float64, float32 (written with 32-bit precision, so a
// Sparkplug Float of 21.1 reads 21.1), *big.Int, string, []byte (written as standard base64), []any, Object,
// or RawJSON (text that is already valid compact JSON). NaN and ±Inf, which JSON cannot hold, are written as
// the strings "NaN", "Infinity" and "-Infinity", as protojson does.
package jsonvalue

// Object is a JSON object whose members keep their order. Keys are not checked for duplicates: a CBOR or
// MessagePack map may repeat one, and the decoded value shows what was on the wire.
type Object []Member

// Member is one key and value of an Object.
type Member struct {
	Key   string
	Value any
}

// Get returns the value of the first member named key.
func (o Object) Get(key string) (any, bool) {
	for i := range o {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return nil, false
}

// RawJSON is JSON text that is known to be valid and compact; it is written as it is.
type RawJSON []byte
