package watch

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mqtt/internal/message"
)

// maxPrettyLines bounds the payload shown in the detail view.
const maxPrettyLines = 200

// detailState is the detail view of one topic.
type detailState struct {
	topic   string
	entries []Entry // the topic's last messages, oldest first
	version uint64  // the topic's version the entries are of
	scroll  int
}

// refresh copies the topic's history from the store when the topic has changed.
func (d *detailState) refresh(m *model) {
	i := m.snap.Find(d.topic)
	if i < 0 || m.snap.Topics[i].Version == d.version {
		return
	}
	d.entries, d.version = m.store.History(d.topic), m.snap.Topics[i].Version
}

func (m *model) renderDetail() []string {
	d := &m.detail
	body := m.detailBody()
	rows := max(m.height-2, 0)
	d.scroll = min(d.scroll, max(len(body)-rows, 0))
	lines := []string{m.headerLine()}
	for i := d.scroll; i < len(body) && i < d.scroll+rows; i++ {
		lines = append(lines, body[i])
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return append(lines[:max(m.height-1, 0)], m.footer())
}

// detailBody is every line of the detail view, before scrolling.
func (m *model) detailBody() []string {
	d := &m.detail
	w := m.width
	var out []string
	add := func(s string) { out = append(out, cut(s, w)) }
	section := func(title string) {
		out = append(out, "", m.st.title.Render(cut("── "+title+" "+strings.Repeat("─", max(w-len(title)-4, 0)), w)))
	}
	out = append(out, m.st.header.Render(cutLeft(visible(d.topic, false), w)))
	if len(d.entries) == 0 {
		return out
	}
	last := &d.entries[len(d.entries)-1]
	i := m.snap.Find(d.topic)
	var facts []string
	if i >= 0 {
		v := m.snap.Topics[i]
		facts = append(facts, strconv.FormatUint(v.Count, 10)+" msgs")
		if v.cache.rate.known {
			facts = append(facts, rateText(v.cache.rate.perSec)+"/s")
		}
		if v.Interval > 0 && v.Live >= 2 {
			facts = append(facts, "every "+durationText(v.Interval))
		}
	}
	facts = append(facts, "last "+ageText(m.now.Sub(last.At))+" ago", "QoS "+strconv.Itoa(int(last.QoS)))
	if last.Retain {
		facts = append(facts, "retained")
	}
	add(strings.Join(facts, "  "))
	if last.Props != nil {
		section("properties")
		for _, p := range propertyLines(last.Props) {
			add("  " + visible(p, false))
		}
	}
	_, pretty := m.decode(d.topic, last)
	title := "payload, " + strconv.Itoa(last.Size) + " bytes"
	if len(last.Payload) < last.Size {
		title += ", the first " + strconv.Itoa(len(last.Payload)) + " shown"
	}
	section(title)
	if last.Size == 0 {
		out = append(out, m.st.faint.Render(cut("  (empty)", w)))
	}
	for _, l := range limitLines(visible(pretty, true), maxPrettyLines) {
		if last.Size > 0 {
			add("  " + l)
		}
	}
	if len(d.entries) > 1 {
		prev := &d.entries[len(d.entries)-2]
		_, old := m.decode(d.topic, prev)
		section("change from the message before")
		out = append(out, m.diffLines(visible(old, true), visible(pretty, true))...)
	}
	section("last " + strconv.Itoa(min(len(d.entries), m.o.History)) + " messages")
	for k := len(d.entries) - 1; k >= 0 && k >= len(d.entries)-m.o.History; k-- {
		e := &d.entries[k]
		line, _ := m.decode(d.topic, e)
		flags := "q" + strconv.Itoa(int(e.QoS))
		if e.Retain {
			flags += " R"
		} else {
			flags += "  "
		}
		add("  " + clock(e.At.In(m.o.Location)) + "  " + flags + "  " + visible(line, false))
	}
	return out
}

// diffLines draws the change between two payloads: the lines removed and added, with one line of context
// around each change.
func (m *model) diffLines(old, new string) []string {
	w := m.width
	if old == new {
		return []string{m.st.faint.Render(cut("  the same", w))}
	}
	d, ok := lineDiff(old, new)
	if !ok {
		return []string{m.st.faint.Render(cut("  too long to compare", w))}
	}
	near := func(i int) bool {
		for j := max(i-1, 0); j <= min(i+1, len(d)-1); j++ {
			if d[j].Op != ' ' {
				return true
			}
		}
		return false
	}
	var out []string
	skipped := false
	for i, l := range d {
		switch {
		case l.Op == '-':
			out = append(out, m.st.removed.Render(cut("- "+l.Text, w)))
		case l.Op == '+':
			out = append(out, m.st.added.Render(cut("+ "+l.Text, w)))
		case near(i):
			out = append(out, m.st.faint.Render(cut("  "+l.Text, w)))
			skipped = false
		case !skipped:
			out = append(out, m.st.faint.Render(cut("  …", w)))
			skipped = true
		}
	}
	return out
}

func limitLines(s string, n int) []string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return lines
}

// propertyLines names the PUBLISH properties as mosquitto_pub -D spells them.
func propertyLines(p *message.Properties) []string {
	var out []string
	if p.PayloadFormat != nil {
		out = append(out, "payload-format-indicator: "+strconv.Itoa(int(*p.PayloadFormat)))
	}
	if p.MessageExpiry != nil {
		out = append(out, "message-expiry-interval: "+strconv.FormatUint(uint64(*p.MessageExpiry), 10))
	}
	if p.ContentType != "" {
		out = append(out, "content-type: "+p.ContentType)
	}
	if p.ResponseTopic != "" {
		out = append(out, "response-topic: "+p.ResponseTopic)
	}
	if len(p.CorrelationData) > 0 {
		c := string(p.CorrelationData)
		if !utf8.Valid(p.CorrelationData) {
			c = hexLine(p.CorrelationData)
		}
		out = append(out, "correlation-data: "+c)
	}
	for _, id := range p.SubscriptionIDs {
		out = append(out, "subscription-identifier: "+strconv.Itoa(id))
	}
	if p.TopicAlias != nil {
		out = append(out, "topic-alias: "+strconv.Itoa(int(*p.TopicAlias)))
	}
	for _, u := range p.User {
		out = append(out, "user-property: "+u.Key+" = "+u.Value)
	}
	return out
}

// clock is a time of day to the millisecond.
func clock(t time.Time) string { return t.Format("15:04:05.000") }

// durationText is a usual interval, rounded to what a person reads: "250ms", "1.5s", "5m0s".
func durationText(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
