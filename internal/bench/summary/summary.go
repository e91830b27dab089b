// Package summary presents benchmark results to a person: the final summary (Write), the line redrawn each
// second while a run goes (Live, a pure function of two snapshots), and the progress display around it
// (Progress). The layout follows natscli's bench: a banner with the settings, per-role rates with a line per
// client, then latency percentiles. Everything is computed from a result.Result, so the summary of a merge
// of shards reads the same as that of one run.
package summary

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"mqtt/internal/bench/result"
)

// Options shape the summary.
type Options struct {
	// ClientLines is the most clients listed one per line in each role (0: 10; negative: all). Past it the
	// role shows only the per-client min/avg/max.
	ClientLines int
}

// Quantiles are the percentiles the summary shows, besides the maximum.
var Quantiles = []float64{50, 90, 99, 99.9}

// Write writes the summary of r to w.
func Write(w io.Writer, r *result.Result, o Options) error {
	b := &strings.Builder{}
	banner(b, r)
	for i := range r.Roles {
		role(b, r, &r.Roles[i], o)
	}
	latencies(b, r)
	delivery(b, r)
	errors(b, r)
	cpu(b, r)
	warnings(b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

func banner(b *strings.Builder, r *result.Result) {
	s := r.Settings
	fmt.Fprintf(b, "mqtt bench %s", s.Scenario)
	var parts []string
	add := func(format string, a ...any) { parts = append(parts, fmt.Sprintf(format, a...)) }
	if s.Shape != "" {
		add("shape=%s", s.Shape)
	}
	if s.Publishers > 0 {
		add("publishers=%d", s.Publishers)
	}
	if s.Subscribers > 0 {
		add("subscribers=%d", s.Subscribers)
	}
	if s.Publishers > 0 {
		add("qos=%d/%d", s.PubQoS, s.SubQoS)
		add("size=%s", Bytes(float64(s.PayloadSize)))
	}
	switch {
	case s.Rate > 0:
		add("rate=%s/s", Rate(s.Rate))
	case s.Interval > 0:
		add("interval=%s", time.Duration(s.Interval))
	case s.Publishers > 0:
		add("rate=unpaced")
	}
	if s.Count > 0 {
		add("count=%s", Count(uint64(s.Count)))
	}
	if s.Duration > 0 {
		add("duration=%s", time.Duration(s.Duration))
	}
	if s.Warmup > 0 {
		add("warmup=%s", time.Duration(s.Warmup))
	}
	if s.Inflight > 0 {
		add("inflight=%d", s.Inflight)
	}
	if s.Retain {
		add("retain")
	}
	if s.ConnectRate > 0 {
		add("connect-rate=%s/s", Rate(s.ConnectRate))
	}
	fmt.Fprintf(b, " [%s]\n", strings.Join(parts, ", "))
	parts = parts[:0]
	add("broker=%s", s.Broker)
	if s.Topic != "" {
		add("topic=%s", s.Topic)
	}
	if s.ClientID != "" {
		add("client-id=%s", s.ClientID)
	}
	add("run=%016x", s.RunID)
	if s.Shards > 1 {
		add("shards=%d/%d", len(r.Shards), s.Shards)
	}
	if !s.StartAt.IsZero() {
		add("start-at=%s", s.StartAt.UTC().Format(time.RFC3339))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Extra)) {
		add("%s=%s", k, s.Extra[k])
	}
	fmt.Fprintf(b, " [%s]\n", strings.Join(parts, ", "))
}

var roleTitle = map[string]string{result.Pub: "Pub", result.Sub: "Sub", result.Conn: "Conn"}

func role(b *strings.Builder, r *result.Result, ro *result.Role, o Options) {
	title := roleTitle[ro.Name]
	if title == "" {
		title = ro.Name
	}
	t := ro.Totals()
	secs := r.Elapsed().Seconds()
	per := func(n uint64) float64 {
		if secs <= 0 {
			return 0
		}
		return float64(n) / secs
	}
	unit := "msgs" // what the role counts: a conn run counts connections made
	if ro.Name == result.Conn {
		unit = "connects"
	}
	fmt.Fprintf(b, "\n%s stats: %s %s/s ~ %s/s (%s %s in %s, %s)\n", title,
		Rate(per(t.Messages)), unit, Bytes(per(t.Bytes)), Count(t.Messages), unit, r.Elapsed().Round(time.Millisecond), plural(t.Clients, "client"))
	if len(ro.Clients) == 0 {
		return
	}
	limit := o.ClientLines
	if limit == 0 {
		limit = 10
	}
	clients := ro.Clients
	if limit > 0 && len(clients) > limit {
		clients = clients[:limit]
	}
	for _, c := range clients {
		fmt.Fprintf(b, " [%d] %s %s/s ~ %s/s (%s %s)", c.Index, Rate(per(c.Messages)), unit, Bytes(per(c.Bytes)), Count(c.Messages), unit)
		if c.ID != "" {
			fmt.Fprintf(b, " %s", c.ID)
		}
		b.WriteByte('\n')
	}
	if n := len(ro.Clients) - len(clients); n > 0 {
		fmt.Fprintf(b, " ... and %d more\n", n)
	}
	lo, hi, sum := ro.Clients[0].Messages, ro.Clients[0].Messages, uint64(0)
	for _, c := range ro.Clients {
		lo, hi, sum = min(lo, c.Messages), max(hi, c.Messages), sum+c.Messages
	}
	avg := sum / uint64(len(ro.Clients))
	fmt.Fprintf(b, " min %s | avg %s | max %s %s/s per client\n", Rate(per(lo)), Rate(per(avg)), Rate(per(hi)), unit)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// latencyRows are the histograms the summary shows, in order, with their labels.
var latencyRows = []struct{ role, metric, label string }{
	{result.Sub, result.Latency, "end-to-end"},
	{result.Sub, result.LatencyRaw, "end-to-end raw"},
	{result.Pub, result.Ack, "ack"},
	{result.Pub, result.SendDelay, "send delay"},
	{result.Pub, result.Connect, "connect pub"},
	{result.Sub, result.Connect, "connect sub"},
	{result.Conn, result.Connect, "connect"},
}

func latencies(b *strings.Builder, r *result.Result) {
	var rows [][]string
	for _, lr := range latencyRows {
		ro := r.Role(lr.role)
		if ro == nil || ro.Histograms[lr.metric] == nil {
			continue
		}
		h := ro.Histograms[lr.metric]
		row := []string{lr.label}
		for _, q := range Quantiles {
			row = append(row, Micros(h.Quantile(q)))
		}
		row = append(row, Micros(h.Max()), Count(uint64(h.TotalCount())))
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return
	}
	head := []string{"Latency"}
	for _, q := range Quantiles {
		head = append(head, fmt.Sprintf("p%g", q))
	}
	head = append(head, "max", "samples")
	b.WriteByte('\n')
	table(b, append([][]string{head}, rows...))
	if r.Role(result.Sub) != nil && r.Role(result.Sub).Histograms[result.Latency] != nil {
		b.WriteString(" (end-to-end from the intended send time, free of coordinated omission; raw from the actual send)\n")
	}
}

// table writes rows with the first column left-aligned and the rest right-aligned.
func table(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range rows {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(" " + c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteByte('\n')
	}
}

func delivery(b *strings.Builder, r *result.Result) {
	l := r.Loss()
	if l.Receivers == 0 {
		return
	}
	if l.Known {
		fmt.Fprintf(b, "\nDelivery: %s of %s expected, lost %s (%.2f%%), duplicates %s, reordered %s",
			Count(l.Distinct), Count(l.Expected), Count(l.Lost), 100*l.Fraction(), Count(l.Duplicates), Count(l.Reordered))
	} else {
		fmt.Fprintf(b, "\nDelivery: %s received, gaps %s (%.2f%%), duplicates %s, reordered %s",
			Count(l.Distinct), Count(l.Lost), 100*l.Fraction(), Count(l.Duplicates), Count(l.Reordered))
	}
	if l.Late > 0 {
		fmt.Fprintf(b, ", too late to tell %s", Count(l.Late))
	}
	if l.Unexpected > 0 {
		fmt.Fprintf(b, ", from unexpected publishers %s", Count(l.Unexpected))
	}
	b.WriteByte('\n')
}

func errors(b *strings.Builder, r *result.Result) {
	var parts []string
	for _, ro := range r.Roles {
		t := ro.Totals()
		for _, k := range t.Reasons() {
			parts = append(parts, fmt.Sprintf("%s %s %s", ro.Name, k, Count(t.Errors[k])))
		}
	}
	if len(parts) == 0 {
		b.WriteString("Errors: none\n")
		return
	}
	fmt.Fprintf(b, "Errors: %s\n", strings.Join(parts, ", "))
}

func cpu(b *strings.Builder, r *result.Result) {
	for _, s := range r.Shards {
		if s.CPU.Wall <= 0 {
			continue
		}
		used := time.Duration(s.CPU.User + s.CPU.Sys)
		prefix := "CPU"
		if len(r.Shards) > 1 {
			prefix = fmt.Sprintf("CPU shard %d", s.Index)
		}
		fmt.Fprintf(b, "%s: %.2f of %d cores (%.0f%%) over %s (user %s, sys %s)\n", prefix,
			float64(used)/float64(s.CPU.Wall), s.CPU.Cores, 100*s.CPU.Load(),
			time.Duration(s.CPU.Wall).Round(time.Millisecond), time.Duration(s.CPU.User).Round(time.Millisecond),
			time.Duration(s.CPU.Sys).Round(time.Millisecond))
	}
}

func warnings(b *strings.Builder, r *result.Result) {
	for _, w := range r.Warnings() {
		switch w.Code {
		case result.ToolCPU:
			fmt.Fprintf(b, "Warning: shard %d used %.0f%% of its cores: the bench tool, not the broker, is the bottleneck; add shards or cores\n", w.Shard, 100*w.Value)
		case result.BehindSchedule:
			fmt.Fprintf(b, "Warning: publishers fell behind schedule (p99 send delay %s): the rate asked for was not kept\n", Micros(int64(w.Value)))
		case result.Clamped:
			fmt.Fprintf(b, "Warning: %.0f samples were outside 1µs..1h (or negative, from clocks out of step) and were clamped\n", w.Value)
		}
	}
}
