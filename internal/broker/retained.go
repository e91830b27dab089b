package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// retainedFile is the JSON document --store keeps the retained messages in.
type retainedFile struct {
	Retained []retainedMessage `json:"retained"`
}

type retainedMessage struct {
	Topic   string `json:"topic"`
	Payload []byte `json:"payload"` // base64
	QoS     byte   `json:"qos"`
	// Version is the publisher's protocol version: mochi lets only an MQTT 5 message expire.
	Version byte  `json:"version"`
	Created int64 `json:"created,omitempty"` // the order it came in (see delivery.publish)
	Expiry  int64 `json:"expiry,omitempty"`  // Unix seconds; 0 never

	PayloadFormat   *byte                  `json:"payload_format,omitempty"`
	ContentType     string                 `json:"content_type,omitempty"`
	ResponseTopic   string                 `json:"response_topic,omitempty"`
	CorrelationData []byte                 `json:"correlation_data,omitempty"`
	User            []packets.UserProperty `json:"user_properties,omitempty"`
}

func toRetainedMessage(pk packets.Packet) retainedMessage {
	m := retainedMessage{
		Topic: pk.TopicName, Payload: pk.Payload, QoS: pk.FixedHeader.Qos, Version: pk.ProtocolVersion,
		Created: pk.Created, Expiry: pk.Expiry,
		ContentType: pk.Properties.ContentType, ResponseTopic: pk.Properties.ResponseTopic,
		CorrelationData: pk.Properties.CorrelationData, User: pk.Properties.User,
	}
	if pk.Properties.PayloadFormatFlag {
		f := pk.Properties.PayloadFormat
		m.PayloadFormat = &f
	}
	return m
}

func (m retainedMessage) packet() packets.Packet {
	pk := packets.Packet{
		FixedHeader:     packets.FixedHeader{Type: packets.Publish, Qos: m.QoS, Retain: true},
		TopicName:       m.Topic,
		Payload:         m.Payload,
		ProtocolVersion: m.Version,
		Created:         m.Created,
		Expiry:          m.Expiry,
		Properties: packets.Properties{
			ContentType: m.ContentType, ResponseTopic: m.ResponseTopic,
			CorrelationData: m.CorrelationData, User: m.User,
		},
	}
	if m.PayloadFormat != nil {
		pk.Properties.PayloadFormat, pk.Properties.PayloadFormatFlag = *m.PayloadFormat, true
	}
	return pk
}

// loadRetained reads the retained messages saved at path into the server. A missing file is an
// empty store: the first run creates it.
func loadRetained(server *mqtt.Server, path string, lim Limits) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var f retainedFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%s is not a retained-message store (%v): move it away or name another file", path, err)
	}
	var n int
	var size int64
	for _, m := range f.Retained {
		if len(m.Payload) == 0 {
			continue // an empty retained message is none
		}
		// A file edited by hand, or damaged, must not hand subscribers what no client could
		// have published.
		if !validTopic(m.Topic) || m.Topic[0] == '$' || m.QoS > 2 || m.Version < 3 || m.Version > 5 {
			return fmt.Errorf("%s: the retained message on %q (QoS %d, MQTT version %d) is not one a client could publish: remove it from the file", path, m.Topic, m.QoS, m.Version)
		}
		if n++; n > lim.MaxRetained || size+int64(len(m.Payload)) > lim.MaxRetainedBytes {
			return fmt.Errorf("%s holds more retained messages than the limit (%d messages, %d bytes)", path, lim.MaxRetained, lim.MaxRetainedBytes)
		}
		size += int64(len(m.Payload))
		server.Topics.RetainMessage(m.packet())
	}
	atomic.StoreInt64(&server.Info.Retained, int64(server.Topics.Retained.Len()))
	return nil
}

// retainedStore writes the retained messages to a file when they change, at most once a second:
// the file is rewritten whole, and a client changing a retained message 100 times a second would
// otherwise have it rewritten 100 times. Writing happens on a goroutine of its own, so a
// publisher never waits for the disk. Stop writes what is still pending: a broker that is stopped (SIGINT,
// SIGTERM) loses nothing, one that is killed loses at most the changes of its last moments.
//
// Each write replaces the file with a new one (write, then rename), so the file is always whole.
type retainedStore struct {
	mqtt.HookBase
	path     string
	index    *mqtt.TopicsIndex
	log      *slog.Logger
	changed  chan struct{}
	quit     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

func newRetainedStore(path string, index *mqtt.TopicsIndex, log *slog.Logger) *retainedStore {
	s := &retainedStore{
		path: path, index: index, log: log,
		changed: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
	}
	go s.run()
	return s
}

func (s *retainedStore) ID() string { return "retained-file" }

func (s *retainedStore) Provides(b byte) bool {
	return (hookEvents(1<<mqtt.OnRetainMessage | 1<<mqtt.OnRetainedExpired)).has(b)
}

func (s *retainedStore) OnRetainMessage(*mqtt.Client, packets.Packet, int64) { s.markChanged() }
func (s *retainedStore) OnRetainedExpired(string)                            { s.markChanged() }

func (s *retainedStore) markChanged() {
	select {
	case s.changed <- struct{}{}:
	default: // a write is already due, and it will see this change too
	}
}

// saveInterval is the least time between two writes of the file.
const saveInterval = time.Second

func (s *retainedStore) run() {
	defer close(s.done)
	for {
		select {
		case <-s.changed:
			s.save()
			select {
			case <-time.After(saveInterval):
			case <-s.quit:
			}
		case <-s.quit:
			select {
			case <-s.changed:
				s.save()
			default:
			}
			return
		}
	}
}

// Stop writes any change not yet written. mochi calls it once every client has gone.
func (s *retainedStore) Stop() error {
	s.stopOnce.Do(func() { close(s.quit) })
	<-s.done
	return nil
}

func (s *retainedStore) save() {
	if err := writeRetained(s.path, s.snapshot()); err != nil {
		// The next change tries again; until then the file holds the last set written.
		s.log.Error("saving retained messages", "file", s.path, "error", err)
	}
}

// snapshot is every retained message but the broker's own $SYS topics, which it publishes afresh.
func (s *retainedStore) snapshot() retainedFile {
	f := retainedFile{Retained: []retainedMessage{}}
	for topic, pk := range s.index.Retained.GetAll() {
		if !strings.HasPrefix(topic, "$") {
			f.Retained = append(f.Retained, toRetainedMessage(pk))
		}
	}
	slices.SortFunc(f.Retained, func(a, b retainedMessage) int { return strings.Compare(a.Topic, b.Topic) })
	return f
}

func writeRetained(path string, f retainedFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
