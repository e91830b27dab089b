package broker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mochi-mqtt/server/v2/packets"
)

// redacting is a log handler that writes a packet as its type and identifier alone. mochi logs
// whole packets (a second CONNECT on a connection, a publish it could not deliver), and a CONNECT
// carries the password, a PUBLISH the payload.
type redacting struct{ next slog.Handler }

func (h redacting) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redacting) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redacting) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return redacting{h.next.WithAttrs(clean)}
}

func (h redacting) WithGroup(name string) slog.Handler { return redacting{h.next.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	switch v := a.Value.Resolve().Any().(type) {
	case packets.Packet:
		return slog.String(a.Key, packetSummary(v))
	case *packets.Packet:
		if v != nil {
			return slog.String(a.Key, packetSummary(*v))
		}
	case []slog.Attr:
		clean := make([]any, len(v))
		for i, g := range v {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	}
	return a
}

func packetSummary(pk packets.Packet) string {
	name, ok := packets.PacketNames[pk.FixedHeader.Type]
	if !ok {
		name = "packet"
	}
	if pk.FixedHeader.Type == packets.Publish {
		return fmt.Sprintf("%s (id %d, qos %d, topic %q, %d bytes)", name, pk.PacketID, pk.FixedHeader.Qos, pk.TopicName, len(pk.Payload))
	}
	return fmt.Sprintf("%s (id %d)", name, pk.PacketID)
}
