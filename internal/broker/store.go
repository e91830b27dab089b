package broker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/storage"
	"github.com/mochi-mqtt/server/v2/hooks/storage/bolt"
	"github.com/mochi-mqtt/server/v2/packets"
	"go.etcd.io/bbolt"
)

// StoreFile is the database --store DIR keeps sessions and retained messages in.
const StoreFile = "mqtt-broker.db"

// sessionStore keeps sessions (subscriptions, in-flight and queued QoS 1 and 2 messages) of
// persistent clients and the retained messages in a bbolt file, through mochi's bolt hook, which
// writes and syncs each change before the broker goes on. Around it:
//
//   - A QoS 1 or 2 publish reaches its subscribers, and is written to their sessions, before the
//     publisher is acknowledged: mochi acknowledges first, so a broker killed in between would
//     have acknowledged a message it lost. The publish is handed to subscribers through an
//     inline twin of the publisher, and the original goes on to be acknowledged, marked done.
//   - Clean sessions are not written: they end with the connection anyway.
//   - What is read back is checked: a damaged or edited file must not serve a topic with
//     wildcards or a QoS of 7 to subscribers.
type sessionStore struct {
	*bolt.Hook
	server *mqtt.Server
	mu     sync.Mutex
	twins  map[*mqtt.Client]*mqtt.Client
	// persistent is which stored clients are persistent, read at start to filter the rest.
	persistent map[string]bool
	// events are what the bolt hook provides, and OnPublish.
	events hookEvents
}

func openSessionStore(dir string, server *mqtt.Server) (*sessionStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &sessionStore{Hook: new(bolt.Hook), server: server, twins: map[*mqtt.Client]*mqtt.Client{},
		events: 1 << mqtt.OnPublish}
	for b := range byte(64) {
		if s.Hook.Provides(b) {
			s.events |= 1 << b
		}
	}
	// The bolt hook's default lock timeout; without one a second broker on the same directory
	// would wait for ever.
	opts := &bolt.Options{Path: filepath.Join(dir, StoreFile), Options: &bbolt.Options{Timeout: time.Second}}
	if err := server.AddHook(s, opts); err != nil {
		if errors.Is(err, bbolt.ErrTimeout) {
			return nil, fmt.Errorf("%s is in use by another broker", opts.Path)
		}
		return nil, fmt.Errorf("opening %s: %w", opts.Path, err)
	}
	return s, nil
}

func (s *sessionStore) ID() string { return "session-store" }

// SetOpts gives the bolt hook a log that leaves out its error for a key it looked for and did
// not find: the $SYS counters of a store used for the first time.
func (s *sessionStore) SetOpts(l *slog.Logger, o *mqtt.HookOptions) {
	s.Hook.SetOpts(slog.New(keyFoundOnly{l.Handler()}), o)
}

type keyFoundOnly struct{ slog.Handler }

func (h keyFoundOnly) Handle(ctx context.Context, r slog.Record) error {
	notFound := false
	r.Attrs(func(a slog.Attr) bool {
		notFound = a.Key == "error" && a.Value.String() == bolt.ErrKeyNotFound.Error()
		return !notFound
	})
	if notFound {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h keyFoundOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return keyFoundOnly{h.Handler.WithAttrs(attrs)}
}

func (s *sessionStore) Provides(b byte) bool { return s.events.has(b) }

// isPersistent reports whether cl's session outlives its connection.
func isPersistent(cl *mqtt.Client) bool {
	if cl.Properties.ProtocolVersion == 5 {
		return cl.Properties.Props.SessionExpiryInterval > 0
	}
	return !cl.Properties.Clean
}

func (s *sessionStore) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline || pk.FixedHeader.Qos == 0 {
		return pk, nil
	}
	twin := s.twin(cl)
	if err := s.server.InjectPacket(twin, pk); err != nil {
		return pk, err
	}
	// InjectPacket counts the message as received again.
	atomic.AddInt64(&s.server.Info.PacketsReceived, -1)
	atomic.AddInt64(&s.server.Info.MessagesReceived, -1)
	return pk, packets.CodeSuccessIgnore
}

// twin is the inline client that publishes for cl: the same identifier, so that no-local
// subscriptions still see it as cl's own, and the same protocol version, which message expiry
// depends on.
func (s *sessionStore) twin(cl *mqtt.Client) *mqtt.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.twins[cl]
	if !ok {
		t = s.server.NewClient(nil, cl.Net.Listener, cl.ID, true)
		t.Properties.ProtocolVersion = cl.Properties.ProtocolVersion
		s.twins[cl] = t
	}
	return t
}

func (s *sessionStore) OnDisconnect(cl *mqtt.Client, err error, expire bool) {
	s.mu.Lock()
	delete(s.twins, cl)
	s.mu.Unlock()
	s.Hook.OnDisconnect(cl, err, expire)
}

func (s *sessionStore) OnSessionEstablished(cl *mqtt.Client, pk packets.Packet) {
	if isPersistent(cl) {
		s.Hook.OnSessionEstablished(cl, pk)
	}
}

func (s *sessionStore) OnWillSent(cl *mqtt.Client, pk packets.Packet) {
	if isPersistent(cl) {
		s.Hook.OnWillSent(cl, pk)
	}
}

// OnSubscribed writes the subscriptions granted; the bolt hook would write refused ones too.
func (s *sessionStore) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	if !isPersistent(cl) {
		return
	}
	var granted packets.Packet
	var grantedCodes []byte
	for i, f := range pk.Filters {
		if i < len(codes) && codes[i] <= 2 {
			granted.Filters = append(granted.Filters, f)
			grantedCodes = append(grantedCodes, codes[i])
		}
	}
	s.Hook.OnSubscribed(cl, granted, grantedCodes)
}

func (s *sessionStore) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	if isPersistent(cl) {
		s.Hook.OnUnsubscribed(cl, pk)
	}
}

// OnQosPublish writes a message in flight to a persistent client, or the PUBREC of a QoS 2
// publish from one (so that a resent PUBLISH is not delivered twice after a restart). The PUBACK
// of a QoS 1 publish is done with as soon as it is sent: mochi would write it and delete it.
//
// A message resent (DUP) is already written: mochi reports each resend, and writing 10,000
// queued messages again, one sync each, would hold up a session resuming. A message no longer in
// the session is one that delivery dropped, past the session's queue.
func (s *sessionStore) OnQosPublish(cl *mqtt.Client, pk packets.Packet, sent int64, resends int) {
	if !isPersistent(cl) || pk.FixedHeader.Type == packets.Puback || pk.FixedHeader.Dup {
		return
	}
	if _, kept := cl.State.Inflight.Get(pk.PacketID); kept {
		s.Hook.OnQosPublish(cl, pk, sent, resends)
	}
}

// OnQosComplete deletes what OnQosPublish wrote. mochi also reports the PUBACK it sends for a
// QoS 1 publish, which was never written and whose identifier may be that of a message in flight
// the other way: its own acknowledgements carry a creation time, the client's do not.
func (s *sessionStore) OnQosComplete(cl *mqtt.Client, pk packets.Packet) {
	if !isPersistent(cl) || (pk.FixedHeader.Type == packets.Puback && pk.Created != 0) {
		return
	}
	s.Hook.OnQosComplete(cl, pk)
}

// OnQosDropped deletes a message mochi gave up, but not those of a session taken over: mochi
// drops them from the old client once it has copied them to the new one, which goes on with them
// under the same keys.
func (s *sessionStore) OnQosDropped(cl *mqtt.Client, pk packets.Packet) {
	if isPersistent(cl) && !cl.IsTakenOver() {
		s.Hook.OnQosComplete(cl, pk)
	}
}

// StoredClients is read first: the persistent clients it returns are the ones whose
// subscriptions and messages are read back.
func (s *sessionStore) StoredClients() ([]storage.Client, error) {
	all, err := s.Hook.StoredClients()
	if err != nil {
		return nil, err
	}
	s.persistent = map[string]bool{}
	var keep []storage.Client
	for _, c := range all {
		clean := c.Clean
		if c.ProtocolVersion == 5 {
			clean = c.Properties.SessionExpiryInterval == 0
		}
		if c.ID == "" || clean || c.ProtocolVersion < 3 || c.ProtocolVersion > 5 {
			continue
		}
		if c.Will.Flag != 0 && (!validTopic(c.Will.TopicName) || c.Will.Qos > 2) {
			c.Will = storage.ClientWill{}
		}
		s.persistent[c.ID] = true
		keep = append(keep, c)
	}
	return keep, nil
}

func (s *sessionStore) StoredSubscriptions() ([]storage.Subscription, error) {
	all, err := s.Hook.StoredSubscriptions()
	if err != nil {
		return nil, err
	}
	var keep []storage.Subscription
	for _, sub := range all {
		if s.persistent[sub.Client] && validFilter(sub.Filter) && sub.Qos <= 2 && sub.RetainHandling <= 2 {
			keep = append(keep, sub)
		}
	}
	return keep, nil
}

func (s *sessionStore) StoredInflightMessages() ([]storage.Message, error) {
	all, err := s.Hook.StoredInflightMessages()
	if err != nil {
		return nil, err
	}
	var keep []storage.Message
	for _, m := range all {
		// The bolt hook does not write the packet identifier; its key ends with it.
		_, id, _ := strings.Cut(strings.TrimPrefix(m.ID, storage.InflightKey+"_"+m.Client), ":")
		n, err := strconv.ParseUint(id, 10, 16)
		if err != nil || n == 0 {
			continue
		}
		m.PacketID = uint16(n)
		if s.persistent[m.Client] && validStoredMessage(m, false) {
			keep = append(keep, m)
		}
	}
	// mochi resends a session's messages sorted by creation time, in seconds, truncated to 16
	// bits, in no set order within a second. Read back, they are put in the order they were
	// queued (time, then packet identifier), and numbered so, at the cost of the creation time,
	// which this broker uses for nothing else (no maximum message expiry).
	slices.SortStableFunc(keep, func(a, b storage.Message) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.PacketID, b.PacketID))
	})
	for i := range keep {
		keep[i].Created = int64(i + 1)
	}
	return keep, nil
}

func (s *sessionStore) StoredRetainedMessages() ([]storage.Message, error) {
	all, err := s.Hook.StoredRetainedMessages()
	if err != nil {
		return nil, err
	}
	var keep []storage.Message
	for _, m := range all {
		if validStoredMessage(m, true) && len(m.Payload) > 0 {
			keep = append(keep, m)
		}
	}
	return keep, nil
}

// validStoredMessage reports whether m is a message mochi could have stored: a PUBLISH with a
// topic name and QoS 0 to 2, or, in flight, the acknowledgement of one.
func validStoredMessage(m storage.Message, retained bool) bool {
	fh := m.FixedHeader
	if fh.Qos > 2 {
		return false
	}
	switch fh.Type {
	case packets.Publish:
		return validTopic(m.TopicName) && !(retained && m.TopicName[0] == '$')
	case packets.Pubrec, packets.Pubrel, packets.Pubcomp:
		return !retained
	}
	return false
}

var _ mqtt.Hook = (*sessionStore)(nil)
