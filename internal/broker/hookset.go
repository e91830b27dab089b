package broker

// hookEvents is the set of mochi events a hook answers, for its Provides: a constant, built as
// 1<<mqtt.OnPublish | 1<<mqtt.OnSubscribe | .... mochi asks every hook about every event of every
// packet, so the answer must cost nothing; a search of a slice (bytes.Contains, as mochi's own hooks
// do) was an eighth of the broker's CPU per message.
type hookEvents uint64

func (s hookEvents) has(event byte) bool { return event < 64 && s&(1<<event) != 0 }
