package format

import (
	"encoding/base64"
	"time"

	"mqtt/internal/message"
)

// output is --output: how default and -v output show the payload.
type output uint8

const (
	outputText output = iota
	outputHex
	outputBase64
)

func parseOutput(s string) (output, bool) {
	switch s {
	case "", "text":
		return outputText, true
	case "hex":
		return outputHex, true
	case "base64":
		return outputBase64, true
	}
	return 0, false
}

// appendPlain prints default and -v output with --output and/or --timestamp.
//
// An empty payload is printed exactly as mosquitto prints it, whatever --output says: nothing in payload-only
// mode, "topic (null)" with -v (nothing with -v -N). There is no payload to encode, and a consumer that
// knows mosquitto's output keeps its rule. --timestamp stamps whatever line is printed, so it adds nothing to
// an empty payload in payload-only mode either, and stamps the "topic (null)" line with -v.
//
// A hex dump spans several lines, so its header (timestamp and, with -v, topic, separated by a space) goes on
// a line of its own above the dump; with no header (payload-only, no --timestamp) the dump stands alone.
// -N drops only the newline after the last dump line.
func (f *Formatter) appendPlain(dst []byte, m *message.Message) []byte {
	verbose := f.mode == modeVerbose
	if len(m.Payload) == 0 {
		if !verbose || !f.eol {
			return dst
		}
		dst = f.appendStamp(dst, m, true)
		dst = append(dst, cString(m.Topic)...)
		return append(dst, " (null)\n"...)
	}
	switch f.output {
	case outputHex:
		if f.timestamp || verbose {
			dst = f.appendStamp(dst, m, verbose)
			if verbose {
				dst = append(dst, cString(m.Topic)...)
			}
			dst = append(dst, '\n')
		}
		dst = appendHexDump(dst, m.Payload)
	default:
		dst = f.appendStamp(dst, m, true)
		if verbose {
			dst = append(dst, cString(m.Topic)...)
			dst = append(dst, ' ')
		}
		if f.output == outputBase64 {
			dst = base64.StdEncoding.AppendEncode(dst, m.Payload)
		} else {
			dst = append(dst, m.Payload...)
		}
	}
	if f.eol {
		dst = append(dst, '\n')
	}
	return dst
}

// appendStamp appends the --timestamp receive time, then a space if space is set; without --timestamp it
// appends nothing.
func (f *Formatter) appendStamp(dst []byte, m *message.Message, space bool) []byte {
	if !f.timestamp {
		return dst
	}
	dst = appendRFC3339Micro(dst, m.Received.In(f.loc))
	if space {
		dst = append(dst, ' ')
	}
	return dst
}

// hexWidth is the number of payload bytes on one line of a hex dump.
const hexWidth = 16

// appendHexDump appends b as `hexdump -C` prints it: an 8-digit hex offset, 16 bytes in hex split in two
// groups of eight, and the bytes again between bars with anything outside printable ASCII as '.'. Lines are
// separated by '\n', with none after the last: the caller ends the line. Unlike hexdump, identical lines are
// not squeezed into '*' and no line with the final offset follows, so each message's dump reads on its own.
func appendHexDump(dst, b []byte) []byte {
	for off := 0; off < len(b); off += hexWidth {
		if off > 0 {
			dst = append(dst, '\n')
		}
		line := b[off:min(off+hexWidth, len(b))]
		dst = appendHexOffset(dst, off)
		dst = append(dst, ' ')
		for i := range hexWidth {
			if i == 8 {
				dst = append(dst, ' ')
			}
			if i < len(line) {
				dst = append(dst, ' ', lowerHex[line[i]>>4], lowerHex[line[i]&0xf])
			} else {
				dst = append(dst, "   "...)
			}
		}
		dst = append(dst, ' ', ' ', '|')
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			dst = append(dst, c)
		}
		dst = append(dst, '|')
	}
	return dst
}

// appendHexOffset appends off as at least eight lower-case hex digits.
func appendHexOffset(dst []byte, off int) []byte {
	var buf [16]byte
	i := len(buf)
	for off > 0 || i > len(buf)-8 {
		i--
		buf[i] = lowerHex[off&0xf]
		off >>= 4
	}
	return append(dst, buf[i:]...)
}

// appendRFC3339Micro appends t as RFC 3339 with exactly six fractional digits ("Z" for UTC), the form of
// --timestamp and of "time" in --json.
func appendRFC3339Micro(dst []byte, t time.Time) []byte {
	return t.AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
}
