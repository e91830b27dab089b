package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"mqtt/internal/payload"
	"mqtt/internal/publish"
	"mqtt/internal/wire"
)

// The flags that say what to send are pub's and rr's (rr has no -l and no --size).

type pubMode int

const (
	modeNone    pubMode = iota
	modeMessage         // -m
	modeFile            // -f
	modeStdin           // -s
	modeLines           // -l
	modeNull            // -n
	modeSize            // --size: random bytes
)

// payloadOptions are what to send (-m, -f, -s, -l, -n, --size) and at which QoS (-q).
type payloadOptions struct {
	Mode    pubMode
	Message []byte
	File    string
	Size    int
	QoS     byte
}

// parsePayload reads the flags that say what to send and -q.
func (o *payloadOptions) parsePayload(c *cli.Context) *problem {
	// Each of them counts every time it is given: mosquitto_pub refuses -m x -m y as it refuses -m x -n,
	// where a flag parser would keep y.
	modes := 0
	for _, m := range []struct {
		mode pubMode
		flag string
		on   bool
	}{
		{modeMessage, "message", isSet(c, "message")}, {modeFile, "file", isSet(c, "file")},
		{modeStdin, "stdin-file", c.Bool("stdin-file")}, {modeLines, "stdin-line", c.Bool("stdin-line")},
		{modeNull, "null-message", c.Bool("null-message")}, {modeSize, "size", isSet(c, "size")},
	} {
		if m.on {
			o.Mode = m.mode
			modes += max(1, flagCount(c, m.flag))
		}
	}
	if modes > 1 {
		return usageErr(errPubOneMode)
	}
	if o.Mode == modeSize {
		n, err := strconv.Atoi(c.String("size"))
		if err != nil || n < 0 || n > wire.MaxRemaining {
			return usageErr(errPubOption, fmt.Sprintf("--size %q: want a number of bytes from 0 to %d.", c.String("size"), wire.MaxRemaining))
		}
		o.Size = n
	}
	o.Message, o.File = []byte(c.String("message")), c.String("file")
	var perr *problem
	o.QoS, perr = parseQoS(c.String("qos"))
	return perr
}

// readBody reads the payload of a single message from -m, -f, -s or -n; nil for -l and --size.
func (o *payloadOptions) readBody(stdin io.Reader) ([]byte, error) {
	from := publish.BodyGiven
	switch o.Mode {
	case modeMessage:
	case modeFile:
		from = publish.BodyFile
	case modeStdin:
		from = publish.BodyInput
	default:
		return nil, nil
	}
	b, err := publish.ReadBody(from, o.Message, o.File, stdin)
	var tl *payload.TooLargeError
	switch {
	case err == nil:
		return b, nil
	case errors.As(err, &tl) && from == publish.BodyFile:
		return nil, &problem{id: errPubFileTooLarge, args: []any{o.File}}
	case errors.As(err, &tl):
		return nil, &problem{id: errPubStdinTooLarge}
	case from == publish.BodyFile:
		return nil, &problem{id: errPubFile, args: []any{o.File, unwrapPath(err)}}
	}
	return nil, fmt.Errorf("reading stdin: %w", err)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
