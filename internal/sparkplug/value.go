package sparkplug

import (
	"encoding/binary"
	"errors"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// wireValue is the value oneof of a Metric, PropertyValue, Parameter or DataSet value as read off the wire:
// which kind of field carried it and what it held.
type wireValue struct {
	kind valueKind
	u    uint64 // int_value, long_value, boolean_value
	f    float64
	b    []byte // string_value, bytes_value, and nested messages
}

type valueKind uint8

const (
	noValue valueKind = iota
	intValue
	longValue
	floatValue
	doubleValue
	boolValue
	stringValue
	bytesValue
	datasetValue
	templateValue
	propertySetValue
	propertySetListValue
	extensionValue
)

// readValue fills v from field f when f is one of the oneof's fields, numbered from first (int_value) in
// the order every Sparkplug oneof uses; ok is false for any other field.
func (v *wireValue) readValue(f field, kinds []valueKind, first protowire.Number) (ok bool, err error) {
	i := int(f.num - first)
	if i < 0 || i >= len(kinds) {
		return false, nil
	}
	k := kinds[i]
	v.kind = k
	switch k {
	case intValue, longValue, boolValue:
		v.u, err = f.varint()
	case floatValue:
		var x float32
		x, err = f.float32()
		v.f = float64(x)
	case doubleValue:
		v.f, err = f.float64()
	default:
		v.b, err = f.bytes()
	}
	return true, err
}

var (
	metricKinds    = []valueKind{intValue, longValue, floatValue, doubleValue, boolValue, stringValue, bytesValue, datasetValue, templateValue, extensionValue}
	propertyKinds  = []valueKind{intValue, longValue, floatValue, doubleValue, boolValue, stringValue, propertySetValue, propertySetListValue, extensionValue}
	parameterKinds = []valueKind{intValue, longValue, floatValue, doubleValue, boolValue, stringValue, extensionValue}
	datasetKinds   = parameterKinds
)

// scalar is the JSON value of a scalar as its datatype reads it: signed types from their two's complement,
// Float with 32-bit precision. A value in a field the datatype does not use is shown as that field holds it.
func (v *wireValue) scalar(t DataType) any {
	switch v.kind {
	case intValue:
		switch t {
		case Int8:
			return int64(int8(v.u))
		case Int16:
			return int64(int16(v.u))
		case Int32:
			return int64(int32(v.u))
		}
		return uint64(uint32(v.u))
	case longValue:
		if t == Int64 || t == Int8 || t == Int16 || t == Int32 {
			return int64(v.u)
		}
		return v.u
	case floatValue:
		return float32(v.f)
	case doubleValue:
		return v.f
	case boolValue:
		return v.u != 0
	case stringValue:
		return string(v.b)
	case bytesValue:
		return append([]byte(nil), v.b...)
	}
	return nil
}

var errArray = errors.New("array bytes do not divide into elements")

// array decodes the packed bytes of an array datatype (Sparkplug 3.0 §6.4.17: little-endian elements;
// BooleanArray a 4-byte count then bits, most significant first; StringArray NUL-terminated strings).
func array(t DataType, b []byte) ([]any, error) {
	switch t {
	case BooleanArray:
		if len(b) < 4 {
			return nil, errArray
		}
		n := binary.LittleEndian.Uint32(b)
		bits := b[4:]
		if uint64(n) > uint64(len(bits))*8 {
			return nil, errArray
		}
		out := make([]any, n)
		for i := range out {
			out[i] = bits[i/8]&(0x80>>(i%8)) != 0
		}
		return out, nil
	case StringArray:
		var out []any
		for len(b) > 0 {
			i := 0
			for i < len(b) && b[i] != 0 {
				i++
			}
			out = append(out, string(b[:i]))
			if i == len(b) {
				break // a last string without its NUL: kept, leniently
			}
			b = b[i+1:]
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	}
	size := t.elemSize()
	if size == 0 || len(b)%size != 0 {
		return nil, errArray
	}
	out := make([]any, len(b)/size)
	for i := range out {
		e := b[i*size:]
		switch t {
		case Int8Array:
			out[i] = int64(int8(e[0]))
		case UInt8Array:
			out[i] = uint64(e[0])
		case Int16Array:
			out[i] = int64(int16(binary.LittleEndian.Uint16(e)))
		case UInt16Array:
			out[i] = uint64(binary.LittleEndian.Uint16(e))
		case Int32Array:
			out[i] = int64(int32(binary.LittleEndian.Uint32(e)))
		case UInt32Array:
			out[i] = uint64(binary.LittleEndian.Uint32(e))
		case FloatArray:
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(e))
		case Int64Array:
			out[i] = int64(binary.LittleEndian.Uint64(e))
		case UInt64Array, DateTimeArray:
			out[i] = binary.LittleEndian.Uint64(e)
		case DoubleArray:
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(e))
		}
	}
	return out, nil
}
