package benchrun

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"mqtt/internal/bench/result"
	"mqtt/internal/broker"
	"mqtt/internal/connspec"
	"mqtt/internal/transport"
)

// Calibrate runs o (a pubsub run) against the embedded broker, in this process, on a loopback port: the
// tool's own ceiling on this machine, broker included.
func Calibrate(ctx context.Context, o Options) (*Outcome, error) {
	b, err := broker.Start(broker.Config{Listeners: []broker.Listener{{Scheme: transport.TCP, Addr: "127.0.0.1:0"}}})
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker: %w", err)
	}
	defer b.Close()
	host, port, err := net.SplitHostPort(b.Addr(0))
	if err != nil {
		return nil, err
	}
	p, _ := strconv.Atoi(port)
	so, err := connspec.Build(connspec.Settings{Version: o.Session.Version, Host: host, Port: p, NoDelay: true,
		CleanSession: true, KeepAlive: o.Session.KeepAlive}, connspec.Native)
	if err != nil {
		return nil, err
	}
	o.Session = so
	o.Settings.Broker = "embedded " + b.Addr(0)
	return Run(ctx, o)
}

// PerCore is a run's received messages per second for each core's worth of CPU the process used: what
// one core of this machine carries through the tool (and, in calibrate, the broker in it too).
func PerCore(r *result.Result) float64 {
	var busy float64
	for _, s := range r.Shards {
		if s.CPU.Wall > 0 {
			busy += float64(s.CPU.User+s.CPU.Sys) / float64(s.CPU.Wall)
		}
	}
	if busy == 0 {
		return 0
	}
	return r.Rate(result.Sub) / busy
}
