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

// request sends the packet build makes for a fresh identifier and waits for its acknowledgement; it
// returns the identifier and the acknowledgement's reason codes.
func (o *outbound) request(ctx context.Context, done <-chan struct{}, ack byte, build func(id uint16) []byte) (uint16, []byte, error) {
	if err := o.flush(); err != nil { // what was published before goes first
		return 0, nil, err
	}
	r := &request{typ: ack, done: make(chan struct{})}
	o.idMu.Lock()
	for o.state[o.nextID] != 0 {
		o.next()
	}
	id := o.nextID
	o.state[id] = waitSuback
	o.next()
	if o.requests == nil {
		o.requests = make(map[uint16]*request)
	}
	o.requests[id] = r
	o.idMu.Unlock()
	if _, err := o.write(build(id)); err != nil {
		o.forget(id, r)
		return id, nil, err
	}
	select {
	case <-r.done:
		return id, r.codes, r.err
	case <-ctx.Done():
		o.forget(id, r)
		return id, nil, ctx.Err()
	case <-done:
		o.forget(id, r)
		return id, nil, errConnectionLost
	}
}

func (o *outbound) forget(id uint16, r *request) {
	o.idMu.Lock()
	if o.requests[id] == r {
		delete(o.requests, id)
		o.state[id] = 0
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
	o.state[id] = 0
	o.idMu.Unlock()
	r.codes = append([]byte(nil), codes...)
	if typ == wire.TypeSuback && o.onSubscribed != nil {
		o.onSubscribed(id, r.codes)
	}
	close(r.done)
	return nil
}

// receiveQoS2 notes a QoS 2 message received; false when it was already received and its PUBREL has not
// come (the broker sent it again): it must not be delivered twice. The note outlives the connection, as
// the broker's PUBREL may come on the next one.
func (o *outbound) receiveQoS2(id uint16) bool {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	if o.received[id/64]&(1<<(id%64)) != 0 {
		return false
	}
	o.received[id/64] |= 1 << (id % 64)
	return true
}

// releaseReceived forgets a QoS 2 message once its PUBREL has come.
func (o *outbound) releaseReceived(id uint16) {
	o.idMu.Lock()
	o.received[id/64] &^= 1 << (id % 64)
	o.idMu.Unlock()
}

// subscribe sends one SUBSCRIBE with every filter, in order, and returns the SUBACK's codes; wrap
// explains an error by the connection's end.
func subscribe(ctx context.Context, o *outbound, done <-chan struct{}, v5 bool, subs []Subscription, props *message.Properties, wrap func(error) error) ([]byte, error) {
	_, codes, err := o.request(ctx, done, wire.TypeSuback, func(id uint16) []byte {
		return wire.AppendSubscribe(nil, v5, id, subs, props)
	})
	if err != nil {
		return nil, wrap(err)
	}
	return codes, nil
}

func unsubscribe(ctx context.Context, o *outbound, done <-chan struct{}, v5 bool, filters []string, props *message.Properties, wrap func(error) error) error {
	_, _, err := o.request(ctx, done, wire.TypeUnsuback, func(id uint16) []byte {
		return wire.AppendUnsubscribe(nil, v5, id, filters, props)
	})
	return wrap(err)
}
