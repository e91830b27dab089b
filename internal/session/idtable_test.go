package session

import (
	"math/rand/v2"
	"testing"
)

// The table agrees with a map through any sequence of sets and deletes, sequential identifiers that
// wrap and collide on their low bits included.
func TestIDTableAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tab idTable
	want := map[uint16]byte{}
	next := uint16(65500)
	for step := range 50000 {
		switch r := rng.IntN(10); {
		case r < 5 && len(want) < 300: // take the next identifier, as outbound does
			for want[next] != 0 {
				next++
			}
			w := byte(1 + rng.IntN(4))
			tab.set(next, w)
			want[next] = w
			next++
		case r < 6: // an identifier far away, colliding on the low bits of one in use
			id := next + uint16(64*rng.IntN(8))
			w := byte(1 + rng.IntN(4))
			tab.set(id, w)
			want[id] = w
		default: // free one in use, or one that is not
			id := next - uint16(rng.IntN(400))
			tab.del(id)
			delete(want, id)
		}
		if tab.n != len(want) {
			t.Fatalf("step %d: %d in the table, want %d", step, tab.n, len(want))
		}
		for id, w := range want {
			if got := tab.get(id); got != w {
				t.Fatalf("step %d: get(%d) = %d, want %d", step, id, got, w)
			}
		}
		if id := next + 1000; want[id] == 0 && tab.get(id) != 0 {
			t.Fatalf("step %d: get(%d) of a free identifier = %d", step, id, tab.get(id))
		}
	}
	tab.deleteIf(func(w byte) bool { return w == 2 })
	for id, w := range want {
		if g := tab.get(id); (w == 2 && g != 0) || (w != 2 && g != w) {
			t.Fatalf("after deleteIf: get(%d) = %d, was %d", id, g, w)
		}
	}
}
