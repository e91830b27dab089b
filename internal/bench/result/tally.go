package result

import (
	"sync"
	"sync/atomic"
)

// Tally is one client's live counters: written by that client's goroutine, read at any time by the live view
// and at the end into a Client. Counting a message is three uncontended atomic adds.
type Tally struct {
	messages, bytes, total atomic.Uint64
	mu                     sync.Mutex
	errors                 map[string]uint64
}

// Message counts one message of n bytes; counted is false during the warm-up, when only Total grows.
func (t *Tally) Message(n int, counted bool) {
	t.total.Add(1)
	if counted {
		t.messages.Add(1)
		t.bytes.Add(uint64(n))
	}
}

// Error counts one error of a reason (a short stable code the engine chose, such as "publish-timeout").
func (t *Tally) Error(reason string) {
	t.mu.Lock()
	if t.errors == nil {
		t.errors = map[string]uint64{}
	}
	t.errors[reason]++
	t.mu.Unlock()
}

// Counts are the live totals: counted messages, counted bytes, all messages and errors.
func (t *Tally) Counts() (messages, bytes, total, errors uint64) {
	t.mu.Lock()
	for _, n := range t.errors {
		errors += n
	}
	t.mu.Unlock()
	return t.messages.Load(), t.bytes.Load(), t.total.Load(), errors
}

// Client is the tally as a Client of the result.
func (t *Tally) Client(index int, id string, shard int) Client {
	c := Client{Index: index, ID: id, Shard: shard,
		Messages: t.messages.Load(), Bytes: t.bytes.Load(), Total: t.total.Load()}
	t.mu.Lock()
	if len(t.errors) > 0 {
		c.Errors = make(map[string]uint64, len(t.errors))
		for k, v := range t.errors {
			c.Errors[k] = v
		}
	}
	t.mu.Unlock()
	return c
}
