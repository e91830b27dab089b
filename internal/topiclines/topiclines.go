// Package topiclines is `mqtt sub -w`: mosquitto 2.1's --watch, which prints each topic's messages on a
// line of its own, in the order the topics were first seen, over what that line held before. It adds only
// the terminal sequences mosquitto writes around each message's output (client/sub_client_output.c,
// watch_print, print_message and output_init on mosquitto's develop branch); formatting the message (-F,
// -v, -N) is the caller's.
//
// The limits are mosquitto's, documented in mosquitto_sub(1): a topic past the terminal's last line, or an
// output longer than a line, scrolls and breaks the layout. A line is not erased before it is written
// either, so a shorter value leaves the end of a longer one behind it, as mosquitto does.
package topiclines

import "strconv"

// firstLine is where the first topic goes: line 1 holds the "Broker:" header.
const firstLine = 2

// Lines remembers the line of each topic. It is not safe for concurrent use; the zero value is not ready
// (use New).
type Lines struct {
	line map[string]int
	next int // the line the next new topic gets
}

// New returns an empty set of lines.
func New() *Lines { return &Lines{line: make(map[string]int), next: firstLine} }

// AppendHeader appends what mosquitto_sub -w writes before it connects: clear the screen, go home and name
// the broker (the -h host, the host of -L, or the --unix socket path; mosquitto says localhost when none
// was given).
func AppendHeader(dst []byte, host string) []byte {
	dst = append(dst, "\x1b[2J\x1b[1;1H"...)
	dst = append(dst, "Broker: "...)
	dst = append(dst, host...)
	return append(dst, '\n')
}

// AppendStart appends the move to topic's line, giving a new topic the next line. Call it for every
// message received, before its output, even one that is then not printed (--random-filter).
func (l *Lines) AppendStart(dst []byte, topic string) []byte {
	n, ok := l.line[topic]
	if !ok {
		n = l.next
		l.next++
		l.line[topic] = n
	}
	return appendMove(dst, n)
}

// AppendEnd appends the move to the start of the line below the last topic's, so that anything else
// printed (an error, the shell's prompt at the end) goes below the table. mosquitto writes it after each
// message it printed, and not after one --random-filter dropped.
func (l *Lines) AppendEnd(dst []byte) []byte {
	dst = appendMove(dst, l.next-1)
	return append(dst, '\n')
}

// Append appends one message: the move to its topic's line, out (its formatted output), and the move below.
func (l *Lines) Append(dst []byte, topic string, out []byte) []byte {
	dst = l.AppendStart(dst, topic)
	dst = append(dst, out...)
	return l.AppendEnd(dst)
}

// Topics is how many topics have a line.
func (l *Lines) Topics() int { return len(l.line) }

// appendMove is CSI n;1H: the cursor to line n, column 1.
func appendMove(dst []byte, n int) []byte {
	dst = append(dst, "\x1b["...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, ";1H"...)
}
