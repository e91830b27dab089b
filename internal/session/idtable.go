package session

// idTable is what each packet identifier in use waits for. A session has few in use at once (its
// window and a few requests), numbered in sequence, so a small open-addressing table keyed by the
// identifier's low bits finds each in a probe or two: an array of every identifier cost 64 KiB a
// session, and a Go map half again the time of a QoS 1 publish.
type idTable struct {
	slots []idSlot // a power of two long, at most half full
	n     int
}

// idSlot is one identifier in use; wait 0 is an empty slot.
type idSlot struct {
	id   uint16
	wait byte
}

// get returns what id waits for; 0 when it is not in use.
func (t *idTable) get(id uint16) byte {
	if t.n == 0 {
		return 0
	}
	mask := len(t.slots) - 1
	for i := int(id) & mask; t.slots[i].wait != 0; i = (i + 1) & mask {
		if t.slots[i].id == id {
			return t.slots[i].wait
		}
	}
	return 0
}

// set records that id waits for wait (not 0).
func (t *idTable) set(id uint16, wait byte) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := int(id) & mask
	for ; t.slots[i].wait != 0; i = (i + 1) & mask {
		if t.slots[i].id == id {
			t.slots[i].wait = wait
			return
		}
	}
	t.slots[i] = idSlot{id, wait}
	t.n++
}

// del frees id, moving back the entries after it that probed past its slot, so that no lookup stops
// early at the hole.
func (t *idTable) del(id uint16) {
	if t.n == 0 {
		return
	}
	mask := len(t.slots) - 1
	i := int(id) & mask
	for t.slots[i].id != id || t.slots[i].wait == 0 {
		if t.slots[i].wait == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.slots[j].wait != 0; j = (j + 1) & mask {
		home := int(t.slots[j].id) & mask
		// The entry at j may fill the hole at i unless its home lies in (i, j], cyclically.
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = idSlot{}
	t.n--
}

// deleteIf frees every identifier whose wait matches.
func (t *idTable) deleteIf(match func(wait byte) bool) {
	var ids []uint16
	for _, s := range t.slots {
		if s.wait != 0 && match(s.wait) {
			ids = append(ids, s.id)
		}
	}
	for _, id := range ids {
		t.del(id)
	}
}

func (t *idTable) grow() {
	old := t.slots
	t.slots, t.n = make([]idSlot, max(64, 2*len(old))), 0
	for _, s := range old {
		if s.wait != 0 {
			t.set(s.id, s.wait)
		}
	}
}
