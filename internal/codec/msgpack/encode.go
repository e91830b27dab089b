package msgpack

import (
	"bytes"
	"fmt"
	"math/big"

	vmsgpack "github.com/vmihailenco/msgpack/v5"

	"mqtt/internal/jsonvalue"
)

// Encoder encodes the ordered JSON tree as MessagePack. It reuses its buffer, so it is not safe for
// concurrent use.
type Encoder struct {
	buf bytes.Buffer
	enc *vmsgpack.Encoder
}

// NewEncoder returns a MessagePack encoder.
func NewEncoder() *Encoder {
	e := &Encoder{}
	e.enc = vmsgpack.NewEncoder(&e.buf)
	e.enc.UseCompactInts(true)
	return e
}

// Encode appends the MessagePack encoding of v, a tree from jsonvalue.Parser.ParseOrdered.
func (e *Encoder) Encode(dst []byte, v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.value(v); err != nil {
		return dst, err
	}
	return append(dst, e.buf.Bytes()...), nil
}

func (e *Encoder) value(v any) error {
	switch v := v.(type) {
	case nil:
		return e.enc.EncodeNil()
	case bool:
		return e.enc.EncodeBool(v)
	case int64:
		return e.enc.EncodeInt(v)
	case uint64:
		return e.enc.EncodeUint(v)
	case float64:
		return e.enc.EncodeFloat64(v)
	case string:
		return e.enc.EncodeString(v)
	case *big.Int:
		return fmt.Errorf("%s does not fit a 64-bit MessagePack integer", v)
	case []any:
		if err := e.enc.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, x := range v {
			if err := e.value(x); err != nil {
				return err
			}
		}
		return nil
	case jsonvalue.Object:
		if err := e.enc.EncodeMapLen(len(v)); err != nil {
			return err
		}
		for _, m := range v {
			if err := e.enc.EncodeString(m.Key); err != nil {
				return err
			}
			if err := e.value(m.Value); err != nil {
				return fmt.Errorf("%s: %w", m.Key, err)
			}
		}
		return nil
	}
	return fmt.Errorf("cannot encode %T as MessagePack", v)
}
