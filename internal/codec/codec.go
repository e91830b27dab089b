// Package codec is the one door to payload formats: it turns a format's name and options into a Decoder
// (payload bytes -> JSON, for sub, rr and everything that prints a message) or an Encoder (JSON -> payload
// bytes, for pub --encode), and hides which library does the work.
//
// Construction does everything that can fail before a connection: it reads and compiles a .proto (errors
// with file, line and column: *CompileError), finds the message type (*TypeError), reads and parses an
// .avsc (*SchemaError), and rejects an unknown name or options that do not fit it (*FormatError).
//
// A Decoder is used like this, one message at a time, in order (Sparkplug B aliases depend on it):
//
//	dec, err := codec.NewDecoder(codec.Options{Format: "cbor"})   // before connecting
//	...
//	v, err := dec.Decode(msg.Topic, msg.Payload)
//	if err != nil { /* *DecodeError: print the raw payload, count it, note it once */ }
//	buf = v.AppendJSON(buf[:0])      // compact JSON, for --json lines and the pretty view
//	keep, err := filter.Keep(ctx, &msg, v)   // --filter and --select: internal/jq takes the Value
//	if note := v.Note(); note != nil { /* *UnresolvedAliasesError */ }
//
// The Value is the Decoder's own and valid until the next Decode. The plain path (no --decode) never
// constructs a Decoder and costs nothing.
//
// Formats (Formats lists them):
//   - auto: JSON, then Sparkplug B on spBv1.0/ topics, then text, then a hex dump (Kind tells which);
//   - text: UTF-8 text, as a JSON string; json: JSON, compacted;
//   - cbor, msgpack: see internal/codec/cbor and internal/codec/msgpack for their JSON mappings;
//   - protobuf: with Options.ProtoFile, the message type in protobuf's JSON mapping (protojson); without,
//     schema-less, keyed by field number (internal/codec/protobuf);
//   - avro: with Options.AvroSchema (internal/codec/avro);
//   - sparkplug: Sparkplug B (internal/sparkplug);
//   - hex, base64: the payload's bytes as a JSON string of lowercase hex or standard base64.
//
// In every JSON written here binary data is standard base64 unless the format's own JSON mapping says
// otherwise (Avro's bytes are code points 0-255), and NaN and ±Inf are the strings "NaN", "Infinity",
// "-Infinity" (jq sees them as numbers; Avro's NaN is null, as goavro writes it). Value.JQ gives the value
// as gojq input directly, for a caller that runs its own queries.
package codec

import (
	"fmt"
	"io"
	"os"
	"strings"

	"mqtt/internal/codec/avro"
	"mqtt/internal/codec/protobuf"
	"mqtt/internal/jsonvalue"
	"mqtt/internal/sparkplug"
)

// The format names, as Options.Format takes them.
const (
	Auto      = "auto"
	Text      = "text"
	JSON      = "json"
	CBOR      = "cbor"
	MsgPack   = "msgpack"
	Protobuf  = "protobuf"
	Avro      = "avro"
	Sparkplug = "sparkplug"
	Hex       = "hex"
	Base64    = "base64"
)

// Formats are the names a Decoder takes, for help and completion; EncodeFormats those an Encoder takes.
var (
	Formats       = []string{Auto, Text, JSON, CBOR, MsgPack, Protobuf, Avro, Sparkplug, Hex, Base64}
	EncodeFormats = []string{Text, JSON, CBOR, MsgPack, Protobuf, Avro, Sparkplug, Hex, Base64}
)

// Options choose a format and give what it needs.
type Options struct {
	// Format is one of Formats; "" means auto.
	Format string
	// ProtoFile is the .proto file for protobuf; without one, protobuf is schema-less. ProtoType is the
	// message's full name (package.Message; the package may be left out when the name is unique, the
	// type itself when the file declares one message). ProtoPaths are searched in order for imports, as
	// protoc's -I, then the file's own directory; google/protobuf/*.proto are built in.
	ProtoFile  string
	ProtoType  string
	ProtoPaths []string
	// AvroSchema is the .avsc file avro needs.
	AvroSchema string
	// Open opens the schema files; nil means os.Open. Tests give files from memory.
	Open func(path string) (io.ReadCloser, error)
}

// The errors construction and encoding return, under this package's names so that the wiring needs no
// other import to tell them apart.
type (
	// CompileError is a .proto that does not compile; each of its Errors has file, line and column.
	CompileError = protobuf.CompileError
	// TypeError is a message type the .proto does not declare, or a file of several with none named.
	TypeError = protobuf.TypeError
	// SchemaError is an .avsc that is not an Avro schema.
	SchemaError = avro.SchemaError
	// FieldError is JSON that does not fit a schema or a format, naming the field (metrics[0].value).
	FieldError = jsonvalue.FieldError
	// UnresolvedAliasesError is a Value's Note: Sparkplug B aliases no birth seen in this run named.
	UnresolvedAliasesError = sparkplug.UnresolvedAliasesError
)

// FormatError is a format name that is not one of Formats (or EncodeFormats), or options that do not fit it.
type FormatError struct {
	Format string
	Known  []string
	Reason string // set when the name is known but the options do not fit
}

func (e *FormatError) Error() string {
	if e.Reason != "" {
		return e.Reason
	}
	return fmt.Sprintf("unknown format %q (one of %s)", e.Format, strings.Join(e.Known, ", "))
}

// DecodeError is a payload that does not decode as the format says. Format is the format asked for, so the
// caller can count and word failures per format.
type DecodeError struct {
	Format string
	Err    error
}

func (e *DecodeError) Error() string { return "not " + formatTitle(e.Format) + ": " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError is JSON that does not encode in the format; its Err is often a *jsonvalue.FieldError, which
// names the field.
type EncodeError struct {
	Format string
	Err    error
}

func (e *EncodeError) Error() string {
	return "cannot encode as " + formatTitle(e.Format) + ": " + e.Err.Error()
}
func (e *EncodeError) Unwrap() error { return e.Err }

func formatTitle(f string) string {
	switch f {
	case JSON, CBOR:
		return strings.ToUpper(f)
	case MsgPack:
		return "MessagePack"
	case Sparkplug:
		return "Sparkplug B"
	case Text, Hex, Base64:
		return f
	}
	if f == "" {
		return "a payload"
	}
	return strings.ToUpper(f[:1]) + f[1:]
}

func (o *Options) readFile(path string) ([]byte, error) {
	if o.Open == nil {
		return os.ReadFile(path)
	}
	f, err := o.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (o *Options) schema() protobuf.SchemaOptions {
	return protobuf.SchemaOptions{File: o.ProtoFile, Type: o.ProtoType, ImportPaths: o.ProtoPaths, Open: o.Open}
}

func (o *Options) format() string {
	if o.Format == "" {
		return Auto
	}
	return strings.ToLower(o.Format)
}
