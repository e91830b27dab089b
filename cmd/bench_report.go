package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/bench/gate"
	"mqtt/internal/bench/header"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/shard"
	"mqtt/internal/bench/summary"
	"mqtt/internal/bench/template"
	"mqtt/internal/benchrun"
	"mqtt/internal/iostreams"
	"mqtt/internal/session"
)

// benchReport is where a result goes: the summary on stdout, --json and --csv files, and the gates.
type benchReport struct {
	json, csv   string
	gates       []gate.Gate
	clientLines int
}

func parseReport(c *cli.Context) (*benchReport, error) {
	r := &benchReport{json: c.String("json"), csv: c.String("csv"), clientLines: c.Int("client-lines")}
	if isSet(c, "assert") {
		var err error
		if r.gates, err = gate.Parse(c.String("assert")); err != nil {
			return nil, fmt.Errorf("--assert: %w", err)
		}
	}
	return r, nil
}

func (rep *benchReport) write(out *benchrun.Outcome, streams *iostreams.IOStreams) error {
	return rep.result(out.Result, streams, func(w io.Writer) {
		if out.Result.Settings.Scenario == benchrun.Conn {
			fmt.Fprintf(w, "Connections: %d held; %s per connection (Go heap and stacks)\n",
				out.Connected, summary.Bytes(float64(out.ConnMemory)))
		}
	})
}

// result writes r as asked, extra adding lines under the summary, and checks the gates.
func (rep *benchReport) result(r *result.Result, streams *iostreams.IOStreams, extra func(io.Writer)) error {
	if rep.json == "-" {
		if err := result.Write(streams.Out, r); err != nil {
			return err
		}
	} else {
		if err := summary.Write(streams.Out, r, summary.Options{ClientLines: rep.clientLines}); err != nil {
			return err
		}
		if extra != nil {
			extra(streams.Out)
		}
	}
	if rep.json != "" && rep.json != "-" {
		if err := writeFile(rep.json, func(w io.Writer) error { return result.Write(w, r) }); err != nil {
			return err
		}
	}
	if rep.csv != "" {
		if err := writeFile(rep.csv, func(w io.Writer) error { return result.WriteCSV(w, r) }); err != nil {
			return err
		}
	}
	if len(rep.gates) == 0 {
		return nil
	}
	outcomes := gate.Evaluate(rep.gates, r)
	var failed []string
	for _, o := range outcomes {
		if !o.Pass {
			failed = append(failed, gateText(o))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("--assert failed: %s", strings.Join(failed, "; "))
	}
	return nil
}

func gateText(o gate.Outcome) string {
	if !o.Known {
		return o.Text + " (no data)"
	}
	switch o.Kind {
	case gate.Latency:
		return fmt.Sprintf("%s (was %s)", o.Text, summary.Micros(int64(o.Actual)))
	case gate.Fraction:
		return fmt.Sprintf("%s (was %.4g)", o.Text, o.Actual)
	}
	return fmt.Sprintf("%s (was %.0f)", o.Text, o.Actual)
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return f.Close()
}

// benchMerge is `mqtt bench merge FILE...`: the shards' results as one.
func benchMerge(c *cli.Context, streams *iostreams.IOStreams) error {
	if !c.Args().Present() {
		return fmt.Errorf("bench merge needs the --json files of the shards to merge")
	}
	var rs []*result.Result
	for _, name := range c.Args().Slice() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		r, err := result.Read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		rs = append(rs, r)
	}
	merged, err := result.Merge(rs...)
	if err != nil {
		return err
	}
	rep, err := parseReport(c)
	if err != nil {
		return err
	}
	return rep.result(merged, streams, nil)
}

// benchCalibrate is `mqtt bench calibrate`: a pubsub run against the embedded broker in this process.
func benchCalibrate(c *cli.Context, streams *iostreams.IOStreams) error {
	qos, perr := parseQoS(c.String("qos"))
	if perr != nil {
		return perr
	}
	v := &benchValues{c: c}
	dur := v.duration("duration")
	if v.err != nil {
		return v.err
	}
	s := result.Settings{Scenario: benchrun.PubSub, Shape: benchrun.Pairs, Shards: 1, Publishers: c.Int("pubs"),
		Subscribers: c.Int("subs"), PubQoS: int(qos), SubQoS: int(qos), PayloadSize: c.Int("size"),
		Topic: "bench/%i", ClientID: "mqtt-bench-%i", Duration: result.Duration(dur),
		RunID: header.RunID(time.Now().String())}
	if qos > 0 {
		s.Inflight = 100
	}
	if s.PayloadSize < header.Size {
		return fmt.Errorf("--size %d is too small: the benchmark header takes %d bytes", s.PayloadSize, header.Size)
	}
	topic, _ := template.Parse(s.Topic, template.Index)
	id, _ := template.Parse(s.ClientID, template.Index)
	o := benchrun.Options{Settings: s, Shard: shard.Whole, Topic: topic, ClientID: id}
	o.Session.Version = session.V311
	o.Session.KeepAlive = 60 * time.Second
	rep, err := parseReport(c)
	if err != nil {
		return err
	}
	var prev summary.Snapshot
	var pr *summary.Progress
	o.OnStart = func(start time.Time) {
		prev = summary.Snapshot{At: start}
		pr = summary.NewProgress(summary.ProgressOptions{Out: streams.ErrOut, TTY: streams.ErrTTY,
			Total: int64(dur / time.Second)})
	}
	o.OnTick = func(sn summary.Snapshot, done int64) { pr.Update(summary.Live(prev, sn), done); prev = sn }
	out, err := benchrun.Calibrate(c.Context, o)
	if pr != nil {
		pr.Close()
	}
	if err != nil {
		return err
	}
	return rep.result(out.Result, streams, func(w io.Writer) {
		fmt.Fprintf(w, "Calibration: %s msgs/s per core (the tool and the embedded broker in one process)\n",
			summary.Rate(benchrun.PerCore(out.Result)))
	})
}
