package cmd

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"mqtt/internal/bench/header"
	"mqtt/internal/bench/metrics"
	"mqtt/internal/bench/result"
	"mqtt/internal/bench/shard"
	"mqtt/internal/bench/summary"
	"mqtt/internal/bench/template"
	"mqtt/internal/benchrun"
	"mqtt/internal/iostreams"
	"mqtt/internal/transport"
	"mqtt/internal/wire"
)

const defaultBenchDuration = 10 * time.Second

// benchAction runs one scenario: flags -> benchrun.Options -> run -> report.
func benchAction(c *cli.Context, scenario string, streams *iostreams.IOStreams) error {
	if c.Args().Present() {
		return fmt.Errorf("unknown scenario %q: use pubsub, pub, sub, conn, calibrate or merge", c.Args().First())
	}
	if scenario == "calibrate" {
		return benchCalibrate(c, streams)
	}
	conn, err := parseConn(c, systemConnEnv(streams))
	if err != nil {
		return err
	}
	if err := askPassword(c.Context, conn, streams); err != nil {
		return err
	}
	o, err := parseBench(c, scenario, os.Getenv)
	if err != nil {
		return err
	}
	o.Session = conn.Session
	o.Session.Debug = debugOut(conn, streams)
	o.Settings.Broker = brokerName(conn.Session.Dial)
	if conn.Session.Version == 5 {
		o.Settings.Extra = map[string]string{"protocol": "v5"}
	}
	rep, err := parseReport(c)
	if err != nil {
		return err
	}
	stop, err := servePrometheus(c.String("prometheus"), &o)
	if err != nil {
		return err
	}
	defer stop()
	out, err := runBench(c.Context, o, streams)
	if err != nil {
		return err
	}
	if err := rep.write(out, streams); err != nil {
		return err
	}
	// Interrupted, the run still reports what it measured, and exits as an interrupted command does.
	if sig, interrupted := signalled(c.Context); interrupted {
		return &exitError{code: sig.ExitCode()}
	}
	return nil
}

// parseBench reads the scenario's flags into the options of a run, the same in every shard.
func parseBench(c *cli.Context, scenario string, getenv func(string) string) (benchrun.Options, error) {
	v := &benchValues{c: c}
	s := result.Settings{Scenario: scenario, Shards: 1, ConnectRate: v.float("connect-rate"), ClientID: c.String("client-id")}
	o := benchrun.Options{Workers: c.Int("workers")}
	if v.err != nil {
		return o, v.err
	}
	var err error
	if o.ClientID, err = template.Parse(s.ClientID, template.Index); err != nil {
		return o, fmt.Errorf("--client-id: %w", err)
	}
	o.Shard, err = shard.FromEnv(getenv)
	if err != nil {
		return o, err
	}
	if isSet(c, "shard") {
		if o.Shard, err = shard.Parse(c.String("shard")); err != nil {
			return o, fmt.Errorf("--shard: %w", err)
		}
	}
	s.Shards = o.Shard.Count
	if isSet(c, "start-at") {
		if o.Start, err = shard.ParseStartAt(c.String("start-at"), time.Now()); err != nil {
			return o, fmt.Errorf("--start-at: %w", err)
		}
		s.StartAt = o.Start.UTC().Round(0)
	}
	if scenario == "conn" {
		o.Connections, o.Churn = c.Int("connections"), v.duration("churn")
		s.Duration = result.Duration(v.duration("duration"))
		if v.err != nil {
			return o, v.err
		}
		s.Extra = map[string]string{"connections": strconv.Itoa(o.Connections)}
	} else if err := parseMessages(c, scenario, &s, &o); err != nil {
		return o, err
	}
	o.Settings = s
	o.Settings.RunID = runID(c, o.Settings)
	return o, o.Validate()
}

func parseMessages(c *cli.Context, scenario string, s *result.Settings, o *benchrun.Options) error {
	s.Publishers, s.Subscribers = c.Int("pubs"), c.Int("subs")
	switch scenario {
	case "pub":
		s.Subscribers = 0
	case "sub":
		o.SubTopic = c.String("topic")
	default:
		s.Shape = c.String("shape")
		if !isSet(c, "topic") && s.Shape != benchrun.Pairs {
			s.Topic = "bench/all"
		}
	}
	if s.Topic == "" {
		s.Topic = c.String("topic")
	}
	var err error
	if scenario != "sub" {
		if o.Topic, err = template.Parse(s.Topic, template.Index, template.ClientID, template.Sequence); err != nil {
			return fmt.Errorf("--topic: %w", err)
		}
	} else {
		o.Topic, _ = template.Parse("")
	}
	qos, perr := parseQoS(c.String("qos"))
	if perr != nil {
		return perr
	}
	s.PubQoS, s.SubQoS = int(qos), int(qos)
	for name, dst := range map[string]*int{"pub-qos": &s.PubQoS, "sub-qos": &s.SubQoS} {
		if isSet(c, name) {
			q, perr := parseQoS(c.String(name))
			if perr != nil {
				return perr
			}
			*dst = int(q)
		}
	}
	s.Retain, s.PayloadSize = c.Bool("retain"), c.Int("size")
	if s.PayloadSize < header.Size {
		return fmt.Errorf("--size %d is too small: the benchmark header takes %d bytes", s.PayloadSize, header.Size)
	}
	v := &benchValues{c: c}
	s.Rate, s.Interval, s.Count = v.float("rate"), result.Duration(v.duration("interval")), v.int64("count")
	s.Duration, s.Warmup = result.Duration(v.duration("duration")), result.Duration(v.duration("warmup"))
	o.Drain, o.SubDelay = v.duration("drain"), v.duration("sub-delay")
	if v.err != nil {
		return v.err
	}
	if s.Count == 0 && s.Duration == 0 {
		s.Duration = result.Duration(defaultBenchDuration)
	}
	switch {
	case s.PubQoS > 0 && isSet(c, "inflight"):
		s.Inflight = c.Int("inflight")
	case s.PubQoS == 1:
		s.Inflight = wire.InflightQoS1
	case s.PubQoS == 2:
		// mosquitto takes 20 QoS 2 messages in flight from a 3.1.1 client (see wire.InflightQoS2); past
		// that the loss would be the tool's choice, not the broker's behaviour under load.
		s.Inflight = wire.InflightQoS2
	}
	return nil
}

// runID is the run's id: from --run, else from what every shard of the run is given alike (the
// settings and the start time), else, for a run with no shards to agree with, from the clock.
func runID(c *cli.Context, s result.Settings) uint64 {
	switch {
	case isSet(c, "run"):
		return header.RunID(c.String("run"))
	case s.Scenario == "sub":
		return 0 // any run's messages
	case s.Shards > 1 || !s.StartAt.IsZero():
		return header.RunID(fmt.Sprintf("%+v", s))
	}
	return header.RunID(time.Now().String())
}

// brokerName is where the run connects, for the banner.
func brokerName(d transport.Dialer) string {
	if d.Scheme == transport.Unix {
		return "unix://" + d.UnixPath
	}
	host := d.Host
	if host == "" {
		host = "localhost"
	}
	if d.Port != 0 {
		host = net.JoinHostPort(host, strconv.Itoa(d.Port))
	}
	return string(d.Scheme) + "://" + host
}

// runBench runs o with the live view on stderr.
func runBench(ctx context.Context, o benchrun.Options, streams *iostreams.IOStreams) (*benchrun.Outcome, error) {
	var total int64
	switch {
	case o.Settings.Count > 0:
		total = int64(float64(o.Settings.Count) * o.Shard.Share(max(o.Settings.Publishers, 1)))
		if o.Settings.Scenario == "sub" {
			total = o.Settings.Count * int64(o.Shard.Len(o.Settings.Subscribers))
		}
	case o.Settings.Duration > 0 && o.Settings.Scenario != "conn":
		total = int64(time.Duration(o.Settings.Duration) / time.Second)
	}
	var prev summary.Snapshot
	var pr *summary.Progress
	o.OnStart = func(start time.Time) {
		prev = summary.Snapshot{At: start}
		pr = summary.NewProgress(summary.ProgressOptions{Out: streams.ErrOut, TTY: streams.ErrTTY, Total: total})
	}
	o.OnTick = func(s summary.Snapshot, done int64) {
		pr.Update(summary.Live(prev, s), done)
		prev = s
	}
	out, err := benchrun.Run(ctx, o)
	if pr != nil {
		pr.Close()
	}
	return out, err
}

// servePrometheus serves /metrics for the run when addr is set.
func servePrometheus(addr string, o *benchrun.Options) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	var read atomic.Pointer[func() []metrics.Role]
	o.OnMetrics = func(f func() []metrics.Role) { read.Store(&f) }
	srv, err := metrics.Listen(addr, metrics.Options{Run: o.Settings.RunID, Shard: o.Shard.String(), Read: func() []metrics.Role {
		if f := read.Load(); f != nil {
			return (*f)()
		}
		return nil
	}})
	if err != nil {
		return nil, fmt.Errorf("--prometheus %s: %w", addr, err)
	}
	return func() { _ = srv.Close(context.Background()) }, nil
}

// benchValues reads the flags urfave/cli would read as numbers and durations as text, so that a bad
// value is named with its flag; the first error is kept.
type benchValues struct {
	c   *cli.Context
	err error
}

func (v *benchValues) text(name string) string { return strings.TrimSpace(v.c.String(name)) }

func (v *benchValues) fail(name, want string) {
	if v.err == nil {
		v.err = fmt.Errorf("--%s %q is not %s", name, v.c.String(name), want)
	}
}

func (v *benchValues) duration(name string) time.Duration {
	t := v.text(name)
	if t == "" {
		return 0
	}
	d, err := time.ParseDuration(t)
	if err != nil || d < 0 {
		v.fail(name, "a duration such as 10s or 250ms")
	}
	return d
}

func (v *benchValues) float(name string) float64 {
	t := v.text(name)
	if t == "" {
		return 0
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		v.fail(name, "a number of at least 0")
	}
	return f
}

func (v *benchValues) int64(name string) int64 {
	t := v.text(name)
	if t == "" {
		return 0
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		v.fail(name, "a whole number of at least 0")
	}
	return n
}
