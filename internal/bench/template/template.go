// Package template renders benchmark topic and client-id templates, as emqtt-bench does:
//
//	%i  the client's index in the whole run (all shards)
//	%c  the client's id (in a topic template)
//	%s  the message's sequence number (in a topic template)
//	%%  a percent sign
//
// A template is parsed once; For fixes a client's index and id, and a template without %s is rendered then,
// once, so a client's topic costs nothing per message.
package template

import (
	"fmt"
	"strconv"
)

// Verbs a template may use.
const (
	Index    = 'i'
	ClientID = 'c'
	Sequence = 's'
)

// Template is a parsed template.
type Template struct {
	text  string
	parts []part
	uses  map[byte]bool
}

type part struct {
	lit  string
	verb byte // 0 for a literal
}

// Parse reads text, allowing only the verbs in allowed (a client-id template cannot use %c or %s).
func Parse(text string, allowed ...byte) (*Template, error) {
	t := &Template{text: text, uses: map[byte]bool{}}
	lit := make([]byte, 0, len(text))
	flush := func() {
		if len(lit) > 0 {
			t.parts = append(t.parts, part{lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '%' {
			lit = append(lit, text[i])
			continue
		}
		if i+1 == len(text) {
			return nil, fmt.Errorf("template %q ends in a lone %%: write %%%% for a percent sign", text)
		}
		i++
		v := text[i]
		if v == '%' {
			lit = append(lit, '%')
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == v
		}
		if !ok {
			return nil, fmt.Errorf("template %q: %%%c at column %d is not one of %s", text, v, i, verbs(allowed))
		}
		flush()
		t.parts = append(t.parts, part{verb: v})
		t.uses[v] = true
	}
	flush()
	return t, nil
}

func verbs(allowed []byte) string {
	s := ""
	for i, a := range allowed {
		if i > 0 {
			s += ", "
		}
		s += "%" + string(a)
	}
	return s + " or %%"
}

// String is the template as written.
func (t *Template) String() string { return t.text }

// Uses reports whether the template has verb.
func (t *Template) Uses(verb byte) bool { return t.uses[verb] }

// Append renders the template for one client and sequence number onto dst.
func (t *Template) Append(dst []byte, index int, id string, seq uint64) []byte {
	for _, p := range t.parts {
		switch p.verb {
		case 0:
			dst = append(dst, p.lit...)
		case Index:
			dst = strconv.AppendInt(dst, int64(index), 10)
		case ClientID:
			dst = append(dst, id...)
		case Sequence:
			dst = strconv.AppendUint(dst, seq, 10)
		}
	}
	return dst
}

// Client is a template with one client's index and id fixed.
type Client struct {
	t      *Template
	index  int
	id     string
	static string // the whole rendering when the template has no %s
}

// For fixes a client's index and id.
func (t *Template) For(index int, id string) Client {
	c := Client{t: t, index: index, id: id}
	if !t.Uses(Sequence) {
		c.static = string(t.Append(nil, index, id, 0))
	}
	return c
}

// Static reports whether the rendering is the same for every message.
func (c Client) Static() bool { return !c.t.Uses(Sequence) }

// Render returns the client's rendering for message seq: the string made once by For when the template has
// no %s (no allocation), a new string otherwise.
func (c Client) Render(seq uint64) string {
	if c.Static() {
		return c.static
	}
	return string(c.t.Append(make([]byte, 0, len(c.t.text)+24), c.index, c.id, seq))
}

// Append renders message seq's string onto dst, allocating nothing when dst has room.
func (c Client) Append(dst []byte, seq uint64) []byte {
	if c.Static() {
		return append(dst, c.static...)
	}
	return c.t.Append(dst, c.index, c.id, seq)
}
