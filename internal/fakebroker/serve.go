package fakebroker

// Reply answers one packet from the client. Returning false ends the script (the connection is closed).
type Reply func(c *Conn, p Packet) bool

// Replies says how Serve answers each packet type. A type without an entry gets the answer a broker
// gives (see Standard).
type Replies map[byte]Reply

// Serve is a script: it reads packets until the client hangs up and answers each as replies say.
func Serve(replies Replies) Script {
	return func(c *Conn) {
		for {
			p, err := c.Next()
			if err != nil {
				return
			}
			r := replies[p.Type()]
			if r == nil {
				r = Standard
			}
			if !r(c, p) {
				return
			}
		}
	}
}

// Accept answers as a broker that accepts everything would.
var Accept = Serve(nil)

// Standard is the usual answer: CONNACK accepted, SUBACK granting what was asked, UNSUBACK, PUBACK for
// QoS 1, PUBREC for QoS 2, PUBCOMP for PUBREL, PUBREL for PUBREC, PINGRESP; a DISCONNECT ends the
// connection.
func Standard(c *Conn, p Packet) bool {
	v5 := c.Version == 5
	switch p.Type() {
	case CONNECT:
		return c.Send(Connack(v5, 0)) == nil
	case SUBSCRIBE:
		return c.Send(Suback(v5, p.ID(), p.requestedQoS(v5)...)) == nil
	case UNSUBSCRIBE:
		codes := make([]byte, 0)
		if v5 {
			codes = make([]byte, len(p.filters(v5, false)))
		}
		return c.Send(ack(UNSUBACK<<4, p.ID(), v5, codes...)) == nil
	case PUBLISH:
		switch p.QoS() {
		case 1:
			return c.Send(Ack(PUBACK, p.ID())) == nil
		case 2:
			return c.Send(Ack(PUBREC, p.ID())) == nil
		}
	case PUBREC: // of a QoS 2 message the script sent
		return c.Send(Ack(PUBREL, p.ID())) == nil
	case PUBREL:
		return c.Send(Ack(PUBCOMP, p.ID())) == nil
	case PINGREQ:
		return c.Send([]byte{PINGRESP << 4, 0}) == nil
	case DISCONNECT:
		return false
	}
	return true
}

// Send is a reply that writes these bytes.
func Send(b ...[]byte) Reply {
	return func(c *Conn, _ Packet) bool { return c.Send(b...) == nil }
}

// Then is a reply made of several, in order.
func Then(rs ...Reply) Reply {
	return func(c *Conn, p Packet) bool {
		for _, r := range rs {
			if !r(c, p) {
				return false
			}
		}
		return true
	}
}

// Close is a reply that ends the connection.
func Close(*Conn, Packet) bool { return false }

// Silent is a reply that says nothing and keeps the connection.
func Silent(*Conn, Packet) bool { return true }

// Hold is a script that reads what the client sends and never answers.
func Hold(c *Conn) {
	for {
		if _, err := c.Next(); err != nil {
			return
		}
	}
}
