package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"mqtt/internal/codec"
	"mqtt/internal/iostreams"
	"mqtt/internal/jq"
	"mqtt/internal/message"
	"mqtt/internal/replay"
)

// `mqtt pub --replay`: a recording made by `mqtt sub --json`, published again against its own clock.

// replayOptions are --replay's flags after parsing; nil in pubOptions when there is no --replay.
type replayOptions struct {
	File    string // "-" for stdin
	Replay  replay.Options
	QoS     *byte // -q given: it replaces the recorded QoS
	Retain  bool  // -r given: every message retained
	Rewrite replay.Rewrite
	Filter  *jq.Query // --filter; nil for none
	// filterErrs counts the messages --filter failed on (left out), lastErr the last failure.
	filterErrs int
	lastErr    error
}

func replayFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "replay", Usage: "publish a `FILE` recorded by mqtt sub --json (- for stdin) at its pace"},
		&cli.StringFlag{Name: "speed", Value: "1", Usage: "replay `X` times as fast; 0 as fast as possible"},
		&cli.BoolFlag{Name: "loop", Usage: "replay again and again, until interrupted"},
		&cli.StringFlag{Name: "topic-prefix", Usage: "replay each topic t as `PREFIX`/t"},
		&cli.StringFlag{Name: "filter", Usage: "replay only the messages the jq `EXPR` is true for (see man)"},
		&cli.StringSliceFlag{Name: "topic-map", KeepSpace: true, Usage: "replay the topics under OLD under NEW (`OLD=NEW`; repeatable)"},
	}
}

// parseReplay reads --replay and its flags, or refuses them without --replay. The recording says the
// topics and payloads: the flags that say them too are refused with it.
func (o *pubOptions) parseReplay(c *cli.Context) *problem {
	if !isSet(c, "replay") {
		for _, f := range []string{"speed", "loop", "topic-prefix", "topic-map", "filter"} {
			if isSet(c, f) {
				return usageErr(errPubOption, "--"+f+" goes with --replay FILE.")
			}
		}
		return nil
	}
	if o.Mode != modeNone || isSet(c, "topic") || isSet(c, "line-topic") || c.Bool("template") || isSet(c, "encode") {
		return usageErr(errPubOption, "--replay takes topics and payloads from the recording: leave out -t, -m, -f, -s, -l, -n, --size, --template and --encode (--topic-prefix and --topic-map move the topics).")
	}
	for _, f := range []string{"repeat", "count", "repeat-delay", "jitter", "rate"} {
		if isSet(c, f) {
			return usageErr(errPubOption, "--replay keeps the recorded pace: leave out --"+f+" (--speed changes the pace, --loop repeats).")
		}
	}
	r := &replayOptions{File: c.String("replay"), Retain: c.Bool("retain")}
	speed, err := strconv.ParseFloat(c.String("speed"), 64)
	if err != nil || speed < 0 || math.IsInf(speed, 0) || math.IsNaN(speed) {
		return usageErr(errPubOption, fmt.Sprintf("--speed %q: want a number from 0 (1 keeps the recorded pace, 0 is as fast as possible).", c.String("speed")))
	}
	r.Replay = replay.Options{Speed: speed, Loop: c.Bool("loop")}
	if isSet(c, "qos") {
		q := o.QoS
		r.QoS = &q
	}
	r.Rewrite.Prefix = c.String("topic-prefix")
	for _, s := range stringSlice(c, "topic-map") {
		m, err := replay.ParseTopicMap(s)
		if err != nil {
			return usageErr(errPubOption, fmt.Sprintf("--topic-map %q: %v.", s, err))
		}
		r.Rewrite.Maps = append(r.Rewrite.Maps, m)
	}
	if err := r.Rewrite.Check(); err != nil {
		return usageErr(errPubOption, fmt.Sprintf("--topic-prefix %q: %v.", r.Rewrite.Prefix, err))
	}
	if r.Rewrite.Active() {
		r.Replay.Rewrite = &r.Rewrite
	}
	if isSet(c, "filter") {
		q, err := jq.Compile(c.String("filter"), jq.Options{Environ: os.Environ})
		if err != nil {
			return usageErr(errPubOption, fmt.Sprintf("--filter %q: %v.", c.String("filter"), err))
		}
		r.Filter = q
	}
	o.Replay = r
	return nil
}

// keep is --filter over the recorded messages, before they are moved, with the payload decoded auto as
// sub's --filter sees it: a message the expression fails on is left out and counted.
func (r *replayOptions) keep(ctx context.Context) func(*message.Message) bool {
	f := jq.NewFilter(r.Filter)
	d, _ := codec.NewDecoder(codec.Options{Format: codec.Auto}) // auto never fails to be made
	return func(m *message.Message) bool {
		ok, err := f.Keep(ctx, m, decoded(d, m))
		if err != nil {
			r.filterErrs++
			r.lastErr = err
		}
		return ok
	}
}

// warnFiltered says, once at the end, on how many messages --filter failed.
func (r *replayOptions) warnFiltered(streams *iostreams.IOStreams) {
	if r.filterErrs > 0 {
		fmt.Fprintln(streams.ErrOut, label(streams, fmt.Sprintf("Warning: --filter failed on %d messages, which were not replayed (last: %v).", r.filterErrs, r.lastErr)))
	}
}

// open opens the recording, before connecting: a file that cannot be read costs no connection.
func (r *replayOptions) open(streams *iostreams.IOStreams) (io.ReadCloser, error) {
	if r.File == "-" {
		return io.NopCloser(streams.In), nil
	}
	f, err := os.Open(r.File)
	if err != nil {
		return nil, fmt.Errorf("cannot read the recording: %w", err)
	}
	return f, nil
}

// source is the replay as the publisher's source.
func (r *replayOptions) source(ctx context.Context, rec io.Reader, props *message.Properties) *replay.Source {
	o := r.Replay
	if r.Filter != nil {
		o.Filter = r.keep(ctx)
	}
	s := replay.NewSource(rec, o)
	s.QoS, s.Retain, s.Props = r.QoS, r.Retain, props
	return s
}

// replayError words a recording that could not be read to its end, naming where.
func (r *replayOptions) replayError(err error) error {
	var le *replay.LineError
	if errors.As(err, &le) {
		name := r.File
		if name == "-" {
			name = "stdin"
		}
		return fmt.Errorf("%s, line %d: %v (a recording is what mqtt sub --json prints)", name, le.Line, le.Err)
	}
	return err
}
