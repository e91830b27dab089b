package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"mqtt/format"
	"mqtt/internal/codec"
	"mqtt/internal/iostreams"
	"mqtt/internal/jq"
	"mqtt/internal/message"
	"mqtt/internal/receive"
)

// The flags that read a payload as data: --decode with its schema flags, and --filter and --select. sub
// and rr take them all, watch takes decodeFlags; pub takes the schema flags with --encode (encode_flags.go).

// schemaFlags are the schema files of protobuf and Avro, for decoding and encoding alike.
func schemaFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "proto", TakesFile: true, Usage: "protobuf: the .proto `FILE` declaring the message (else schema-less)"},
		&cli.StringFlag{Name: "type", Usage: "protobuf: the message type, `package.Message`"},
		&cli.StringSliceFlag{Name: "proto-path", TakesFile: true, Usage: "protobuf: a `DIR` to find imports in (repeatable)"},
		&cli.StringFlag{Name: "avro-schema", TakesFile: true, Usage: "avro: the schema, an .avsc `FILE`"},
	}
}

// decodeFlags say how a received payload is read.
func decodeFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "decode", Usage: "read payloads as `FORMAT`: auto text json cbor msgpack protobuf avro sparkplug hex base64"},
	}, schemaFlags()...)
}

// filterFlags choose messages by what they say.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "filter", Usage: "print only messages the jq `EXPR` is true on (.topic, .payload...; -C counts them)"},
		&cli.StringFlag{Name: "select", Usage: "print what the jq `EXPR` yields for each message, not the message"},
	}
}

// contentFlags are decodeFlags and filterFlags, as sub and rr take them.
func contentFlags() []cli.Flag { return append(decodeFlags(), filterFlags()...) }

// codecOptions are the schema flags as the codec takes them, for format.
func codecOptions(c *cli.Context, format string) codec.Options {
	return codec.Options{
		Format: format, ProtoFile: c.String("proto"), ProtoType: c.String("type"),
		ProtoPaths: stringSlice(c, "proto-path"), AvroSchema: c.String("avro-schema"),
	}
}

// contentOptions are the decode and filter flags, everything in them read and compiled before connecting.
type contentOptions struct {
	format string // --decode as given; "" without
	// formatGiven is -F or --output: they print the payload as it came, decoded or not (%x, a hex
	// dump of the bytes received).
	formatGiven bool
	decoder     *codec.Decoder
	filter      *jq.Query
	sel         *jq.Query
}

// parseContent reads and compiles --decode's schemas and the jq expressions; nil when no flag asks for
// any of it, so that the plain path has no stage at all.
func parseContent(c *cli.Context) (*contentOptions, error) {
	o := &contentOptions{format: c.String("decode"), formatGiven: isSet(c, "format") || isSet(c, "output")}
	if isSet(c, "select") && (isSet(c, "format") || c.Bool("json")) {
		return nil, usageErr(errSubFormat, "--select prints what its expression yields instead of each message: leave out -F and --json.")
	}
	for _, f := range []string{"proto", "type", "proto-path", "avro-schema"} {
		if isSet(c, f) && !isSet(c, "decode") {
			return nil, usageErr(errSubFormat, fmt.Sprintf("--%s says how --decode reads payloads: add --decode %s.", f, schemaFormat(f)))
		}
	}
	for _, f := range []struct {
		name string
		q    **jq.Query
	}{{"filter", &o.filter}, {"select", &o.sel}} {
		if !isSet(c, f.name) {
			continue
		}
		q, err := jq.Compile(c.String(f.name), jq.Options{Environ: os.Environ})
		if err != nil {
			return nil, &problem{id: errPubOption, args: []any{fmt.Sprintf("--%s %s: %s.", f.name, shellQuote(c.String(f.name)), err)}}
		}
		*f.q = q
	}
	if o.format == "" && o.filter == nil && o.sel == nil {
		return nil, nil
	}
	d, err := codec.NewDecoder(codecOptions(c, o.format))
	if err != nil {
		return nil, codecErr("--decode", err)
	}
	o.decoder = d
	return o, nil
}

// forView is o for printer p: the terminal view decodes auto when no flag asked for a format, so that
// it shows Sparkplug B by metric, as it shows JSON indented.
func forView(o *contentOptions, p format.Printer) (*contentOptions, error) {
	if _, view := p.(*format.Pretty); !view || (o != nil && o.format != "") {
		return o, nil
	}
	if o == nil {
		o = &contentOptions{}
	}
	d, err := codec.NewDecoder(codec.Options{Format: codec.Auto})
	if err != nil {
		return nil, err
	}
	o.format, o.decoder = codec.Auto, d
	return o, nil
}

// schemaFormat is the format a schema flag belongs to.
func schemaFormat(flag string) string {
	if flag == "avro-schema" {
		return codec.Avro
	}
	return codec.Protobuf
}

// codecErr words an error of building a decoder or an encoder: a .proto that does not compile is
// listed file:line:col, as protoc lists them, on the one line of an error.
func codecErr(flag string, err error) error {
	var ce *codec.CompileError
	var fe *codec.FormatError
	switch {
	case errors.As(err, &ce):
		return &problem{id: errPubOption, args: []any{"the .proto does not compile: " + strings.ReplaceAll(ce.Error(), "\n", "; ") + "."}}
	case errors.As(err, &fe):
		return usageErr(errSubFormat, fmt.Sprintf("%s: %s.", flag, fe.Error()))
	}
	return &problem{id: errPubOption, args: []any{fmt.Sprintf("%s: %s.", flag, err)}}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// wire puts the content stage between the receiver's filters and the printer p that po configures: the
// receiver's Options.Filter, and the notes to sum up at the end.
func (o *contentOptions) wire(p format.Printer, po *receive.PrinterOptions, errOut io.Writer, streams *iostreams.IOStreams) (func(*message.Message) bool, *contentNotes) {
	stage, notes := o.stage(errOut, streams)
	po.Content = stage
	_, view := p.(*format.Pretty) // --select's values are indented where messages would be shown as records
	po.Values = format.NewValues(view, streams.ColorOut)
	po.DecodedAsPayload = !o.formatGiven
	return stage.Keep, notes
}

// stage is the receive stage for these options, its notes said on errOut, and the words of what it
// counted for the end of the run.
func (o *contentOptions) stage(errOut io.Writer, streams *iostreams.IOStreams) (*receive.Content, *contentNotes) {
	n := &contentNotes{errOut: errOut, streams: streams, format: o.decoder.Format()}
	co := receive.ContentOptions{
		Show: o.format != "",
		Decode: func(topic string, payload []byte) (receive.Value, error) {
			v, err := o.decoder.Decode(topic, payload)
			if err != nil {
				return nil, err
			}
			return v, nil
		},
		OnDecodeError: n.decodeError, OnNote: n.note, OnFilterError: n.filterError,
	}
	if o.filter != nil {
		co.Filter = jq.NewFilter(o.filter)
	}
	if o.sel != nil {
		co.Select = jq.NewFilter(o.sel)
	}
	return receive.NewContent(co), n
}

// contentNotes words what the content stage tells: the first of each kind in full, the others counted
// and summed up at the end, so that a stream of bad payloads does not bury the output.
type contentNotes struct {
	errOut  io.Writer
	streams *iostreams.IOStreams
	format  string

	mu                         sync.Mutex
	undecoded, failed, unnamed int
	lastFilterErr              string
}

func (n *contentNotes) say(line string) { fmt.Fprintln(n.errOut, label(n.streams, line)) }

func (n *contentNotes) decodeError(m *message.Message, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.undecoded++; n.undecoded == 1 {
		n.say(fmt.Sprintf("Warning: the payload on %q is %s; printed as it came (others like it are counted).", m.Topic, err))
	}
}

func (n *contentNotes) note(m *message.Message, note error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.unnamed++; n.unnamed == 1 {
		n.say(fmt.Sprintf("Note: %s.", note))
	}
}

func (n *contentNotes) filterError(m *message.Message, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lastFilterErr = err.Error()
	if n.failed++; n.failed == 1 {
		n.say(fmt.Sprintf("Warning: the expression failed on the message on %q (%s): skipped (others like it are counted).", m.Topic, err))
	}
}

// summary says, at the end of the run, how many payloads were not as asked and how many messages the
// expression failed on, when more than the one already said.
func (n *contentNotes) summary() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.undecoded > 1 {
		n.say(fmt.Sprintf("Warning: %d payloads did not decode as %s and were printed as they came.", n.undecoded, n.format))
	}
	if n.failed > 1 {
		n.say(fmt.Sprintf("Warning: %d messages were skipped: the expression failed on them (last: %s).", n.failed, n.lastFilterErr))
	}
}
