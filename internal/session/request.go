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

// send writes the packet build makes for a fresh identifier; wait then waits for its acknowledgement.
func (o *outbound) send(ack byte, build func(id uint16) []byte) (*request, uint16, error) {
	if err := o.flush(); err != nil { // what was published before goes first
		return nil, 0, err
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
		return nil, id, err
	}
	return r, id, nil
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

// subscribe sends one SUBSCRIBE with every filter, in order, then one UNSUBSCRIBE per filter of unsubs
// without waiting in between, as mosquitto_sub does on connecting, and returns the SUBACK's codes once
// every acknowledgement is in; wrap explains an error by the connection's end.
func subscribe(ctx context.Context, o *outbound, done <-chan struct{}, v5 bool, subs []Subscription, props *message.Properties,
	unsubs []string, uprops *message.Properties, wrap func(error) error) ([]byte, error) {
	type sent struct {
		r  *request
		id uint16
	}
	var all []sent
	r, id, err := o.send(wire.TypeSuback, func(id uint16) []byte { return wire.AppendSubscribe(nil, v5, id, subs, props) })
	if err != nil {
		return nil, wrap(err)
	}
	all = append(all, sent{r, id})
	for _, f := range unsubs {
		r, id, err := o.send(wire.TypeUnsuback, func(id uint16) []byte {
			return wire.AppendUnsubscribe(nil, v5, id, []string{f}, uprops)
		})
		if err != nil {
			return nil, wrap(err)
		}
		all = append(all, sent{r, id})
	}
	var codes []byte
	for i, s := range all {
		c, err := o.wait(ctx, done, s.r, s.id)
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
	r, id, err := o.send(wire.TypeUnsuback, func(id uint16) []byte {
		return wire.AppendUnsubscribe(nil, v5, id, filters, props)
	})
	if err == nil {
		_, err = o.wait(ctx, done, r, id)
	}
	return wrap(err)
}
