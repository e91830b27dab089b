package seqtrack

// Counts is what a receiver saw of its streams. Received counts every arrival but the Late ones; Distinct the
// messages received at least once.
type Counts struct {
	Received   uint64 `json:"received"`
	Distinct   uint64 `json:"distinct"`
	Duplicates uint64 `json:"duplicates"`
	Reordered  uint64 `json:"reordered"`
	Late       uint64 `json:"late,omitempty"`
	Unexpected uint64 `json:"unexpected,omitempty"` // from a publisher the receiver does not expect
	Missing    uint64 `json:"missing,omitempty"`    // below the top and not seen (yet): the loss estimate when the publishers are elsewhere
}

// Add sums two receivers' counts (two shards' parts of one $share group, say).
func (c *Counts) Add(o Counts) {
	c.Received += o.Received
	c.Distinct += o.Distinct
	c.Duplicates += o.Duplicates
	c.Reordered += o.Reordered
	c.Late += o.Late
	c.Unexpected += o.Unexpected
	c.Missing += o.Missing
}

// Lost is how many of expected messages (what the expected publishers sent) never arrived.
func (c Counts) Lost(expected uint64) uint64 {
	if c.Distinct >= expected {
		return 0
	}
	return expected - c.Distinct
}
