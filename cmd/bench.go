package cmd

import (
	"github.com/urfave/cli/v2"

	"mqtt/internal/iostreams"
)

const benchDescription = `Scenarios: pubsub (the default: publishers and subscribers in one process, end-to-end latency on one
clock; shapes pairs, fanout, fanin with $share), pub, sub (load made elsewhere), conn (connections held
at a connect rate) and calibrate (pubsub against the embedded broker, in-process: the tool's own ceiling).
Each message carries a small header (run, publisher, sequence, intended and actual send time); latency
is measured from the intended time of an open-loop schedule, so it is free of coordinated omission.
Templates: %i client index, %c client id, %s sequence number. Shards: --shard i/N (default from
JOB_COMPLETION_INDEX and MQTT_BENCH_SHARDS), --start-at, then 'mqtt bench merge shard-*.json'.`

// benchCommand is `mqtt bench` and its scenarios; bench alone runs pubsub.
func benchCommand(streams *iostreams.IOStreams) *cli.Command {
	scenario := func(name, usage string, flags []cli.Flag) *cli.Command {
		return &cli.Command{Name: name, Usage: usage, UsageText: "mqtt bench " + name + " [options]", Flags: flags,
			Action: func(c *cli.Context) error { return benchAction(c, name, streams) }}
	}
	return &cli.Command{
		Name:        "bench",
		Usage:       "benchmark a broker: rate, latency percentiles, loss",
		UsageText:   "mqtt bench [pubsub|pub|sub|conn|calibrate|merge] [options]",
		Description: benchDescription,
		Flags:       benchFlags("pubsub"),
		Action:      func(c *cli.Context) error { return benchAction(c, "pubsub", streams) },
		Subcommands: []*cli.Command{
			scenario("pubsub", "publishers and subscribers in one process (pairs, fanout, fanin)", benchFlags("pubsub")),
			scenario("pub", "publishers only", benchFlags("pub")),
			scenario("sub", "subscribers only, for load made elsewhere", benchFlags("sub")),
			scenario("conn", "open connections at a connect rate and hold them", benchFlags("conn")),
			scenario("calibrate", "pubsub against the embedded broker: messages/s per core of the tool itself", calibrateFlags()),
			{
				Name: "merge", Usage: "merge the --json results of the shards of one run", UsageText: "mqtt bench merge [options] FILE...",
				Flags:  reportFlags(),
				Action: func(c *cli.Context) error { return benchMerge(c, streams) },
			},
		},
	}
}

// benchFlags are a scenario's flags: what it runs, how it reports, and every connection option.
func benchFlags(scenario string) []cli.Flag {
	var flags []cli.Flag
	if scenario == "conn" {
		flags = []cli.Flag{
			&cli.IntFlag{Name: "connections", Aliases: []string{"n"}, Value: 1000, Usage: "hold `N` connections (all shards)"},
			&cli.StringFlag{Name: "duration", Value: "10s", Usage: "hold the connections for `DURATION`"},
			&cli.StringFlag{Name: "churn", Usage: "close and reopen each connection every `DURATION` while held"},
		}
	} else {
		flags = messageFlags(scenario)
	}
	flags = append(flags,
		&cli.StringFlag{Name: "connect-rate", Usage: "open `N` connections per second (default: as fast as they go)"},
		&cli.StringFlag{Name: "client-id", Value: "mqtt-bench-%i", Usage: "client id `TEMPLATE` (%i); the role is appended (-pub, -sub, -conn)"},
		&cli.StringFlag{Name: "shard", Usage: "run shard `i/N` of the clients (default from JOB_COMPLETION_INDEX and MQTT_BENCH_SHARDS)"},
		&cli.StringFlag{Name: "start-at", Usage: "start at `TIME` (RFC 3339, @unix, HH:MM[:SS], +30s), for shards to start together"},
		&cli.StringFlag{Name: "run", Usage: "run id `SEED` every shard shares (default: from --start-at and the settings)"},
		&cli.StringFlag{Name: "prometheus", Usage: "serve /metrics on `ADDR` (host:port) while the run goes"},
		&cli.IntFlag{Name: "workers", Value: 64, Usage: "dial `N` connections at once"},
	)
	flags = append(flags, reportFlags()...)
	return append(flags, connFlags("311")...)
}

func messageFlags(scenario string) []cli.Flag {
	topic := "bench/%i"
	if scenario == "sub" {
		topic = "bench/#"
	}
	flags := []cli.Flag{
		&cli.IntFlag{Name: "pubs", Value: 1, Usage: "`N` publishers (all shards)"},
		&cli.IntFlag{Name: "subs", Value: 1, Usage: "`N` subscribers (all shards)"},
		&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Value: topic, Usage: "topic `TEMPLATE` (%i, %c, %s)"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "QoS of publishers and subscribers"},
		&cli.StringFlag{Name: "pub-qos", Usage: "`QOS` of the publishers (default --qos)"},
		&cli.StringFlag{Name: "sub-qos", Usage: "`QOS` of the subscriptions (default --qos)"},
		&cli.BoolFlag{Name: "retain", Aliases: []string{"r"}, Usage: "publish retained messages"},
		&cli.IntFlag{Name: "size", Aliases: []string{"s"}, Value: 128, Usage: "payload `BYTES` (at least 40, the header)"},
		&cli.StringFlag{Name: "rate", Usage: "send `N` messages per second in all, split across publishers (default: as fast as they go)"},
		&cli.StringFlag{Name: "interval", Usage: "`DURATION` between two messages of one publisher (instead of --rate)"},
		&cli.StringFlag{Name: "count", Aliases: []string{"C"}, Usage: "send `N` messages in all (sub: receive N per subscriber)"},
		&cli.StringFlag{Name: "duration", Usage: "run for `DURATION` (default 10s without --count)"},
		&cli.StringFlag{Name: "warmup", Usage: "send for `DURATION` before counting"},
		&cli.IntFlag{Name: "inflight", Usage: "`N` QoS 1/2 messages a publisher may have unacknowledged (default 100; 20 at QoS 2)"},
		&cli.StringFlag{Name: "shape", Value: "pairs", Usage: "`SHAPE` of a pubsub run: pairs, fanout or fanin ($share)"},
		&cli.StringFlag{Name: "drain", Value: "5s", Usage: "wait at most `DURATION` for messages on their way once publishing ends"},
		&cli.StringFlag{Name: "sub-delay", Usage: "hold each received message for `DURATION`: a slow consumer"},
	}
	if scenario == "sub" {
		flags[0] = &cli.IntFlag{Name: "pubs", Usage: "`N` publishers make the load (default: up to 4096)"}
	}
	return flags
}

func calibrateFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.IntFlag{Name: "pubs", Value: 1, Usage: "`N` publishers"},
		&cli.IntFlag{Name: "subs", Value: 1, Usage: "`N` subscribers"},
		&cli.StringFlag{Name: "qos", Aliases: []string{"q"}, Value: "0", Usage: "QoS of publishers and subscribers"},
		&cli.IntFlag{Name: "size", Aliases: []string{"s"}, Value: 128, Usage: "payload `BYTES`"},
		&cli.StringFlag{Name: "duration", Value: "3s", Usage: "run for `DURATION`"},
	}, reportFlags()...)
}

// reportFlags say where the result goes besides the summary, and what it must pass.
func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "json", Usage: "write the whole result, histograms included, to `FILE` (- for stdout, instead of the summary)"},
		&cli.StringFlag{Name: "csv", Usage: "write one row per client to `FILE`"},
		&cli.StringFlag{Name: "assert", Usage: "exit 1 when a gate fails: `GATES` such as 'p99<20ms,loss==0,rate>=0.98'"},
		&cli.IntFlag{Name: "client-lines", Usage: "list at most `N` clients per role in the summary (default 10; -1 all)"},
	}
}
