package codec

import (
	"encoding/base64"
	"encoding/hex"

	"mqtt/internal/jsonvalue"
)

// Kind is what a decoded value is, so that the terminal view can show it as it shows payloads today.
type Kind uint8

const (
	// KindJSON is structured data: JSON itself, or any format decoded to JSON.
	KindJSON Kind = iota
	// KindText is text; the JSON value is a string.
	KindText
	// KindBinary is bytes shown as a hex dump; the JSON value is a string of lowercase hex.
	KindBinary
)

// Value is one decoded payload. It belongs to the Decoder that made it and is valid until its next Decode;
// a JSON, text, hex or base64 Value reads the payload itself, so the payload's buffer must also stay as it
// is until the Value has been used. What JQ and Lookup return never refers to the payload.
type Value struct {
	kind Kind
	src  source
	data []byte // the JSON text (srcRaw, srcCompact) or the payload (srcText, srcHex, srcBase64)
	tree any    // srcTree

	jq     any
	jqErr  error
	jqDone bool
	note   error
	parser *jsonvalue.Parser
}

// Kind is what the value is.
func (v *Value) Kind() Kind { return v.kind }

// Structured says whether the value is data (KindJSON) rather than text or bytes: what a printer that does
// not import this package asks.
func (v *Value) Structured() bool { return v.kind == KindJSON }

// Note is a remark about a payload that did decode, for the caller to count or show (today only
// *sparkplug.UnresolvedAliasesError); nil when there is none.
func (v *Value) Note() error { return v.note }

// AppendJSON appends the value as compact JSON.
func (v *Value) AppendJSON(dst []byte) []byte {
	switch v.src {
	case srcRaw:
		return jsonvalue.AppendCompactValid(dst, v.data) // Decode checked it
	case srcCompact:
		return append(dst, v.data...)
	case srcTree:
		return jsonvalue.Append(dst, v.tree)
	case srcText:
		return jsonvalue.AppendString(dst, v.data)
	case srcHex:
		dst = append(dst, '"')
		dst = hex.AppendEncode(dst, v.data)
		return append(dst, '"')
	}
	return jsonvalue.AppendBase64(dst, v.data)
}

// JQ is the value as gojq input (map[string]any, []any, string, int, float64, *big.Int, bool, nil), made
// once per Decode, without a JSON round trip for formats that decode to a tree.
func (v *Value) JQ() (any, error) {
	if v.jqDone {
		return v.jq, v.jqErr
	}
	v.jqDone = true
	switch v.src {
	case srcRaw, srcCompact:
		v.jq, v.jqErr = v.parser.Parse(v.data)
	case srcTree:
		v.jq, v.jqErr = jsonvalue.ToJQ(v.tree)
	case srcText:
		v.jq = string(v.data)
	case srcHex:
		v.jq = hex.EncodeToString(v.data)
	default:
		v.jq = base64.StdEncoding.EncodeToString(v.data)
	}
	return v.jq, v.jqErr
}

type source uint8

const (
	srcRaw     source = iota // a JSON payload, valid, perhaps not compact
	srcCompact               // compact JSON a format wrote
	srcTree                  // a jsonvalue tree
	srcText                  // UTF-8 text
	srcHex                   // bytes shown as hex
	srcBase64                // bytes shown as base64
)

// Lookup is the value at path (object keys) as gojq input, without making the whole payload gojq input
// when it can: a JSON payload is scanned for the one value, a tree walked to it. ok is false where jq would
// raise an error (the path meets an array or a string, say) or the payload is not structured: ask JQ then.
func (v *Value) Lookup(path []string) (any, bool) {
	if v.jqDone {
		return walk(v.jq, path)
	}
	switch v.src {
	case srcRaw, srcCompact:
		return v.parser.Lookup(v.data, path)
	case srcTree:
		t := v.tree
		for _, k := range path {
			switch o := t.(type) {
			case nil:
				return nil, true
			case jsonvalue.Object:
				var found any
				for _, m := range o {
					if m.Key == k {
						found = m.Value // the last of repeated keys, as ToJQ keeps it
					}
				}
				t = found
			default:
				return nil, false
			}
		}
		x, err := jsonvalue.ToJQ(t)
		return x, err == nil
	}
	return nil, false
}

// walk follows path through gojq values.
func walk(v any, path []string) (any, bool) {
	for _, k := range path {
		switch o := v.(type) {
		case nil:
			return nil, true
		case map[string]any:
			v = o[k]
		default:
			return nil, false
		}
	}
	return v, true
}

func (v *Value) reset(p *jsonvalue.Parser) {
	*v = Value{parser: p}
}
