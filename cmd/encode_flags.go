package cmd

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"mqtt/internal/codec"
	"mqtt/internal/publish"
)

// encodeFlags say what pub turns its JSON messages into.
func encodeFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "encode", Usage: "send each JSON message as `FORMAT`: cbor msgpack protobuf avro sparkplug json text hex base64"},
	}, schemaFlags()...)
}

// parseEncode builds the encoder --encode asks for, its schemas compiled before connecting; nil without.
func parseEncode(c *cli.Context, mode pubMode) (*codec.Encoder, error) {
	if !isSet(c, "encode") {
		for _, f := range []string{"proto", "type", "proto-path", "avro-schema"} {
			if isSet(c, f) {
				return nil, usageErr(errSubFormat, fmt.Sprintf("--%s says how --encode writes payloads: add --encode %s.", f, schemaFormat(f)))
			}
		}
		return nil, nil
	}
	if mode == modeNull || mode == modeSize {
		return nil, usageErr(errSubFormat, "--encode turns a JSON message into its format: give it one with -m, -f, -s or -l.")
	}
	e, err := codec.NewEncoder(codecOptions(c, c.String("encode")))
	if err != nil {
		return nil, codecErr("--encode", err)
	}
	return e, nil
}

// checkEncode encodes a body that every message sends as it is (no template) once before connecting, with
// an encoder of its own (Sparkplug B counts seq), so that a JSON that does not fit costs no connection.
func checkEncode(c *cli.Context, topic string, body []byte) error {
	e, err := codec.NewEncoder(codecOptions(c, c.String("encode")))
	if err != nil {
		return codecErr("--encode", err)
	}
	if _, err := e.Encode(nil, topic, body); err != nil {
		return encodeErr(err)
	}
	return nil
}

// encodeErr words a message that does not encode; the codec's error names the field.
func encodeErr(err error) error {
	var ee *publish.EncodeError
	if errors.As(err, &ee) {
		return &problem{id: errPubOption, args: []any{fmt.Sprintf("message %d: %s; nothing more was sent.", ee.N, ee.Err)}}
	}
	return &problem{id: errPubOption, args: []any{fmt.Sprintf("%s; nothing was sent.", err)}}
}
