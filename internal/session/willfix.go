package session

import (
	"encoding/binary"

	"github.com/eclipse/paho.golang/packets"

	"mqtt/internal/message"
	"mqtt/internal/wire"
)

// paho.golang v0.23.0 packs a will's properties with the rules for CONNECT, which drops payload-format,
// message-expiry, content-type, response-topic and correlation-data: a v5 will lost them without a
// word. willProperties packs them as a PUBLISH carries them, plus will-delay-interval, and
// patchWillProperties puts them into the CONNECT paho wrote, in place of its own.

func willProperties(p *message.Properties) []byte {
	pp := toPacket(p)
	delay := pp.WillDelayInterval
	pp.WillDelayInterval = nil
	b := pp.Pack(packets.PUBLISH)
	if delay != nil {
		b = append(b, packets.PropWillDelayInterval)
		b = binary.BigEndian.AppendUint32(b, *delay)
	}
	return b
}

// patchWillProperties returns the CONNECT packet pkt with its will properties replaced by props. A
// packet that is not a v5 CONNECT with a will, or that does not parse, is returned as it is.
func patchWillProperties(pkt, props []byte) []byte {
	if len(pkt) < 2 || pkt[0] != 0x10 {
		return pkt
	}
	rl, n := uvarint(pkt[1:])
	body := pkt[1+n:]
	if n == 0 || rl != len(body) || len(body) < 2 {
		return pkt
	}
	i := 2 + int(binary.BigEndian.Uint16(body)) // protocol name
	if i+4 > len(body) || body[i] != 5 || body[i+1]&0x04 == 0 {
		return pkt
	}
	i += 4 // level, flags, keep-alive
	plen, m := uvarint(body[i:])
	i += m + plen // CONNECT properties
	if m == 0 || i+2 > len(body) {
		return pkt
	}
	i += 2 + int(binary.BigEndian.Uint16(body[i:])) // client id
	if i >= len(body) {
		return pkt
	}
	wlen, m := uvarint(body[i:])
	end := i + m + wlen
	if m == 0 || end > len(body) {
		return pkt
	}
	nb := make([]byte, 0, len(body)+len(props))
	nb = append(nb, body[:i]...)
	nb = wire.AppendVarint(nb, len(props))
	nb = append(nb, props...)
	nb = append(nb, body[end:]...)
	out := make([]byte, 0, len(nb)+5)
	out = append(out, 0x10)
	out = wire.AppendVarint(out, len(nb))
	return append(out, nb...)
}
