// Package msgpack decodes MessagePack payloads to the ordered JSON tree of internal/jsonvalue and encodes
// that tree back, with github.com/vmihailenco/msgpack/v5 reading and writing every value.
//
// MessagePack to JSON: maps keep their wire order, a key that is not a string becomes its JSON text as a
// string (1 -> "1"), bin becomes a base64 string, float 32 keeps its precision, the timestamp extension (-1)
// becomes an RFC 3339 string, and any other extension becomes {"type": N, "data": "<base64>"}.
//
// JSON to MessagePack: objects are maps in member order, integers take their smallest encoding, other
// numbers are float 64, as Python's msgpack packs them. An integer past 64 bits has no MessagePack form and
// is an error.
package msgpack

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	vmsgpack "github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"mqtt/internal/jsonvalue"
)

// maxNesting is how deep arrays and maps may nest; deeper is an error, not a stack.
const maxNesting = 256

// Decoder decodes MessagePack payloads. It reuses its reader, so it is not safe for concurrent use.
type Decoder struct {
	data []byte
	r    bytes.Reader
	dec  *vmsgpack.Decoder
}

// NewDecoder returns a MessagePack decoder.
func NewDecoder() *Decoder {
	d := &Decoder{}
	d.dec = vmsgpack.NewDecoder(&d.r)
	return d
}

// Decode decodes one MessagePack value that must fill data.
func (d *Decoder) Decode(data []byte) (any, error) {
	if len(data) == 0 {
		return nil, errors.New("empty payload")
	}
	d.data = data
	d.r.Reset(data)
	d.dec.ResetReader(&d.r)
	v, err := d.value(0)
	d.data = nil
	if err != nil {
		return nil, err
	}
	if n := d.r.Len(); n != 0 {
		return nil, fmt.Errorf("%d bytes after the MessagePack value", n)
	}
	return v, nil
}

func (d *Decoder) value(depth int) (any, error) {
	if depth > maxNesting {
		return nil, errors.New("MessagePack nested too deeply")
	}
	c, err := d.dec.PeekCode()
	if err != nil {
		return nil, err
	}
	switch {
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.dec.DecodeMapLen()
		if err != nil {
			return nil, err
		}
		if n > d.r.Len()/2 { // each pair takes at least two bytes: a length past that is a lie
			return nil, errors.New("MessagePack map longer than the payload")
		}
		out := make(jsonvalue.Object, 0, n)
		for range n {
			k, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, jsonvalue.Member{Key: keyString(k), Value: v})
		}
		return out, nil
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := d.dec.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		if n > d.r.Len() {
			return nil, errors.New("MessagePack array longer than the payload")
		}
		out := make([]any, 0, max(n, 0))
		for range n {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case msgpcode.IsExt(c):
		return d.ext()
	}
	if err := d.checkLength(c); err != nil {
		return nil, err
	}
	v, err := d.dec.DecodeInterface()
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case nil, bool, string, []byte, float32, float64:
		return v, nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	case uint8:
		return uint64(v), nil
	case uint16:
		return uint64(v), nil
	case uint32:
		return uint64(v), nil
	case uint64:
		return v, nil
	}
	return nil, fmt.Errorf("unexpected MessagePack value %T", v)
}

// checkLength refuses a str or bin whose length runs past the payload before the library allocates it: a
// hostile 10-byte payload must not cost 4 GiB.
func (d *Decoder) checkLength(c byte) error {
	var size int
	switch c {
	case msgpcode.Str8, msgpcode.Bin8:
		size = 1
	case msgpcode.Str16, msgpcode.Bin16:
		size = 2
	case msgpcode.Str32, msgpcode.Bin32:
		size = 4
	default:
		return nil
	}
	pos := len(d.data) - d.r.Len()
	if len(d.data)-pos < 1+size {
		return errors.New("truncated MessagePack length")
	}
	n := 0
	for _, b := range d.data[pos+1 : pos+1+size] {
		n = n<<8 | int(b)
	}
	if n > len(d.data)-pos-1-size {
		return errors.New("MessagePack string longer than the payload")
	}
	return nil
}

// ext decodes an extension: the timestamp as RFC 3339, any other as its type and base64 data.
func (d *Decoder) ext() (any, error) {
	id, n, err := d.dec.DecodeExtHeader()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > d.r.Len() {
		return nil, errors.New("MessagePack extension longer than the payload")
	}
	data := make([]byte, n)
	if err := d.dec.ReadFull(data); err != nil {
		return nil, err
	}
	if id == -1 {
		if t, ok := timestamp(data); ok {
			return t.UTC().Format(time.RFC3339Nano), nil
		}
		return nil, errors.New("malformed MessagePack timestamp")
	}
	return jsonvalue.Object{{Key: "type", Value: int64(id)}, {Key: "data", Value: data}}, nil
}

// timestamp reads the three forms of the timestamp extension's data.
func timestamp(b []byte) (time.Time, bool) {
	be := func(b []byte) (n uint64) {
		for _, c := range b {
			n = n<<8 | uint64(c)
		}
		return n
	}
	switch len(b) {
	case 4:
		return time.Unix(int64(be(b)), 0), true
	case 8:
		v := be(b)
		return time.Unix(int64(v&(1<<34-1)), int64(v>>34)), v>>34 < 1e9
	case 12:
		ns := be(b[:4])
		return time.Unix(int64(be(b[4:])), int64(ns)), ns < 1e9
	}
	return time.Time{}, false
}

func keyString(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	return string(jsonvalue.Append(nil, k))
}
