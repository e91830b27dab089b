package session

import (
	"context"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// request is a SUBSCRIBE or UNSUBSCRIBE awaiting its acknowledgement. The session writes them itself
// rather than through the libraries: paho.mqtt.golang's SubscribeMultiple takes a map, which shuffles the
// filters, so it could only send one SUBSCRIBE per filter, and the order and grouping of filters decide
// the order in which a broker sends retained messages.
type request struct {
	typ   byte          // the acknowledgement awaited: SUBACK or UNSUBACK
	done  chan struct{} // closed once codes or err is set
	codes []byte
	err   error
}

// outgoing is a SUBSCRIBE or UNSUBSCRIBE to send: the acknowledgement it awaits, and how to write it
// for an identifier.
type outgoing struct {
	ack   byte
	build func(id uint16) []byte
}

// send writes the packets in one write, each with a fresh identifier, as libmosquitto writes what
// on_connect queued before it reads an answer; wait then waits for each acknowledgement.
func (o *outbound) send(packets ...outgoing) ([]*request, []uint16, error) {
	if err := o.flush(); err != nil { // what was published before goes first
		return nil, nil, err
	}
	reqs, ids := make([]*request, len(packets)), make([]uint16, len(packets))
	var buf []byte
	o.idMu.Lock()
	if o.requests == nil {
		o.requests = make(map[uint16]*request)
	}
	for i, p := range packets {
		id := o.takeLocked(waitSuback)
		reqs[i], ids[i] = &request{typ: p.ack, done: make(chan struct{})}, id
		o.requests[id] = reqs[i]
		buf = append(buf, p.build(id)...)
	}
	o.idMu.Unlock()
	if _, err := o.write(buf); err != nil {
		for i := range reqs {
			o.forget(ids[i], reqs[i])
		}
		return nil, nil, err
	}
	return reqs, ids, nil
}

// wait returns the reason codes of the acknowledgement of r, sent with identifier id.
func (o *outbound) wait(ctx context.Context, done <-chan struct{}, r *request, id uint16) ([]byte, error) {
	select {
	case <-r.done:
		return r.codes, r.err
	case <-ctx.Done():
		o.forget(id, r)
		return nil, ctx.Err()
	case <-done:
		o.forget(id, r)
		return nil, errConnectionLost
	}
}

func (o *outbound) forget(id uint16, r *request) {
	o.idMu.Lock()
	if o.requests[id] == r {
		delete(o.requests, id)
		o.state.del(id)
	}
	o.idMu.Unlock()
}

func (r *request) fail(err error) {
	r.err = err
	close(r.done)
}

// requestAcked takes a SUBACK or UNSUBACK, on the reader. One for no request of ours is ignored, as
// libmosquitto does. onSubscribed is told of a SUBACK before the subscriber goes on, so that a -d line
// about it comes before anything the reader prints next.
func (o *outbound) requestAcked(typ byte, body []byte) error {
	id, codes, err := wire.Suback(body, o.v5)
	if err != nil {
		return err
	}
	o.idMu.Lock()
	r := o.requests[id]
	if r == nil || r.typ != typ {
		o.idMu.Unlock()
		return nil
	}
	delete(o.requests, id)
	o.state.del(id)
	o.idMu.Unlock()
	r.codes = append([]byte(nil), codes...)
	if typ == wire.TypeSuback && o.onSubscribed != nil {
		o.onSubscribed(id, r.codes)
	}
	close(r.done)
	return nil
}

// receiveQoS2 notes a QoS 2 message received; false when it was already received and its PUBREL has not
// come, and the broker sent it again (dup): it must not be delivered twice. The note outlives the
// connection, as the broker's PUBREL may come on the next one. A PUBLISH with that identifier and DUP
// clear is a new message: a sender sets DUP on every PUBLISH it sends again (MQTT-3.3.1-1), and only
// reuses an identifier it has forgotten, as mosquitto does after a SIGKILL took the state its last
// autosave did not hold. Taking it for the old one would lose it.
func (o *outbound) receiveQoS2(id uint16, dup bool) bool {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	if o.received.get(id) != 0 && dup {
		return false
	}
	o.received.set(id, 1)
	return true
}

// sessionStarted is told by the CONNACK whether the broker kept the session. A new session numbers its
// messages afresh: a QoS 2 message of the old one awaiting its PUBREL must not keep a new message with
// the same identifier from being delivered.
func (o *outbound) sessionStarted(present bool) {
	if present {
		return
	}
	o.idMu.Lock()
	o.received = idTable{}
	o.idMu.Unlock()
}

// releaseReceived forgets a QoS 2 message once its PUBREL has come.
func (o *outbound) releaseReceived(id uint16) {
	o.idMu.Lock()
	o.received.del(id)
	o.idMu.Unlock()
}

// subscribe sends one SUBSCRIBE with every filter, in order, then one UNSUBSCRIBE per filter of unsubs,
// all in one write, as mosquitto_sub does on connecting, and returns the SUBACK's codes once every
// acknowledgement is in; wrap explains an error by the connection's end.
func subscribe(ctx context.Context, o *outbound, done <-chan struct{}, v5 bool, subs []Subscription, props *message.Properties,
	unsubs []string, uprops *message.Properties, wrap func(error) error) ([]byte, error) {
	packets := []outgoing{{wire.TypeSuback, func(id uint16) []byte { return wire.AppendSubscribe(nil, v5, id, subs, props) }}}
	for _, f := range unsubs {
		packets = append(packets, outgoing{wire.TypeUnsuback, func(id uint16) []byte {
			return wire.AppendUnsubscribe(nil, v5, id, []string{f}, uprops)
		}})
	}
	reqs, ids, err := o.send(packets...)
	if err != nil {
		return nil, wrap(err)
	}
	var codes []byte
	for i := range reqs {
		c, err := o.wait(ctx, done, reqs[i], ids[i])
		if err != nil {
			return nil, wrap(err)
		}
		if i == 0 {
			codes = c
		}
	}
	return codes, nil
}

func unsubscribe(ctx context.Context, o *outbound, done <-chan struct{}, v5 bool, filters []string, props *message.Properties, wrap func(error) error) error {
	reqs, ids, err := o.send(outgoing{wire.TypeUnsuback, func(id uint16) []byte {
		return wire.AppendUnsubscribe(nil, v5, id, filters, props)
	}})
	if err == nil {
		_, err = o.wait(ctx, done, reqs[0], ids[0])
	}
	return wrap(err)
}
