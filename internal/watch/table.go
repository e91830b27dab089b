package watch

import (
	"strconv"
	"strings"
)

// columns are the cells of a table row; a width of 0 leaves a column out. The value takes what is left:
// a table at 40 columns keeps topic, count, age, flags and value.
type columns struct {
	topic, count, rate, age, flags, spark, value int
}

const (
	ageWidth   = 5 // "!12m"
	rateWidth  = 5 // "20.0k"
	flagsWidth = 2 // QoS and R
)

func (m *model) columns() columns {
	c := columns{count: 5, age: ageWidth, flags: flagsWidth}
	longest := 5
	for _, v := range m.snap.Topics {
		c.count = max(c.count, digits(v.Count))
		if v.cache.nameWidth == 0 {
			v.cache.nameWidth = width(visible(v.Name, false))
		}
		longest = max(longest, v.cache.nameWidth)
	}
	w := m.width
	if w >= 60 {
		c.rate = rateWidth
	}
	switch {
	case w >= 100:
		c.spark = 12
	case w >= 80:
		c.spark = 8
	}
	fixed := c.count + 1 + c.age + 1 + c.flags + 1
	if c.rate > 0 {
		fixed += c.rate + 1
	}
	if c.spark > 0 {
		fixed += c.spark + 1
	}
	rest := max(w-fixed, 2)
	c.topic = min(longest, max(rest*45/100, 10))
	c.value = max(rest-c.topic-1, 0)
	return c
}

func (m *model) renderTable() []string {
	lines := []string{m.headerLine()}
	c := m.columns()
	head := cells{topic: "TOPIC", count: "COUNT", rate: "RATE", age: "AGE", flags: "QR", spark: "HISTORY", value: "VALUE"}
	lines = append(lines, m.st.columns.Render(cut(c.join(c.pad(head)), m.width)))
	rows := m.rows()
	n := len(m.snap.Topics)
	if n == 0 {
		lines = append(lines, m.st.faint.Render(cut("waiting for messages", m.width)))
	}
	sel := m.selected()
	if sel >= 0 {
		m.top = min(max(m.top, sel-rows+1), sel)
	}
	m.top = max(min(m.top, n-rows), 0)
	for i := m.top; i < n && i < m.top+rows; i++ {
		lines = append(lines, m.row(c, i, i == sel))
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return append(lines[:max(m.height-1, 0)], m.footer())
}

// row draws the i-th topic.
func (m *model) row(c columns, i int, selected bool) string {
	v := m.snap.Topics[i]
	since := m.now.Sub(v.Last.At)
	isQuiet := quiet(v, since)
	r := cells{count: strconv.FormatUint(v.Count, 10), rate: "-", age: ageText(since), flags: string('0' + v.Last.QoS)}
	if isQuiet {
		r.age = "!" + r.age
	}
	if v.cache.rate.known {
		r.rate = rateText(v.cache.rate.perSec)
	}
	if v.Last.Retain {
		r.flags += "R"
	}
	if c.spark > 0 {
		r.spark = sparkline(v.Samples, c.spark)
	}
	name := visible(v.Name, false)
	r.topic, r.value = cutLeft(name, c.topic), m.valueLine(v)
	r = c.pad(r)
	if selected {
		return m.st.selected.Render(padRight(c.join(r), m.width))
	}
	// The levels a topic shares with the one above are faint, so that the table reads as a tree.
	if i > 0 && width(name) <= c.topic {
		if k := sharedLevels(visible(m.snap.Topics[i-1].Name, false), name); k > 0 {
			r.topic = m.st.faint.Render(r.topic[:k]) + r.topic[k:]
		}
	}
	if isQuiet {
		r.age = m.st.quiet.Render(r.age)
	}
	if v.Last.Retain {
		r.flags = m.st.retained.Render(r.flags)
	}
	return cut(c.join(r), m.width)
}

// cells are the texts of a row.
type cells struct {
	topic, count, rate, age, flags, spark, value string
}

// pad fits each cell to its column: numbers to the right, text to the left, the value cut to what is left.
func (c columns) pad(r cells) cells {
	return cells{
		topic: padRight(r.topic, c.topic), count: padLeft(r.count, c.count), rate: padLeft(r.rate, c.rate),
		age: padLeft(r.age, c.age), flags: padRight(r.flags, c.flags), spark: padRight(r.spark, c.spark),
		value: cut(r.value, c.value),
	}
}

// join lays the cells of the columns shown out on one line.
func (c columns) join(r cells) string {
	var b strings.Builder
	b.WriteString(r.topic)
	b.WriteString(" " + r.count)
	if c.rate > 0 {
		b.WriteString(" " + r.rate)
	}
	b.WriteString(" " + r.age)
	b.WriteString(" " + r.flags)
	if c.spark > 0 {
		b.WriteString(" " + r.spark)
	}
	if c.value > 0 {
		b.WriteString(" " + r.value)
	}
	return b.String()
}

// valueLine is the topic's last value on one line, decoded once per version.
func (m *model) valueLine(v *TopicView) string {
	if v.cache.lineVersion != v.Version {
		line, _ := m.decode(v.Name, &v.Last)
		// Only what can show: a payload of megabytes is not drawn in one row.
		if len(line) > 4096 {
			line = line[:4096]
		}
		v.cache.line = visible(line, false)
		v.cache.lineVersion = v.Version
	}
	return v.cache.line
}

// headerLine names the view, totals the figures and says whether it is paused, in that order of
// what is cut first when the screen is narrow.
func (m *model) headerLine() string {
	badge := "live"
	if m.paused {
		badge = "PAUSED"
	}
	if m.snap.Status != "" {
		badge = visible(m.snap.Status, false) + " " + badge
	}
	badge = cut(badge, m.width)
	var b strings.Builder
	b.WriteString("mqtt watch")
	if m.o.Title != "" {
		b.WriteString("  " + visible(m.o.Title, false))
	}
	b.WriteString("  " + strconv.Itoa(len(m.snap.Topics)) + " topics")
	b.WriteString("  " + strconv.FormatUint(m.snap.Total, 10) + " msgs")
	if m.rates.total.known {
		b.WriteString("  " + rateText(m.rates.total.perSec) + "/s")
	}
	left := cut(b.String(), max(m.width-width(badge)-1, 0))
	gap := max(m.width-width(left)-width(badge), 0)
	style := m.st.faint
	if m.paused {
		style = m.st.badge
	}
	return m.st.header.Render(left) + strings.Repeat(" ", gap) + style.Render(badge)
}

// footer is the search being typed, a question, a note, or the keys.
func (m *model) footer() string {
	switch {
	case m.mode == modeSearch:
		return cut("/"+visible(m.search, false)+"█", m.width)
	case m.mode == modeConfirm:
		return m.st.note.Render(cut("clear the retained message of "+visible(m.confirm, false)+"? y/n", m.width))
	case m.note != "":
		return m.st.note.Render(cut(visible(m.note, false), m.width))
	case m.mode == modeDetail:
		return m.st.faint.Render(cut(pick(m.width, "esc back  ↑↓ scroll  p pause  c clear retained  q quit", "esc ↑↓ p c q"), m.width))
	}
	return m.st.faint.Render(cut(pick(m.width, "↑↓ move  / search  enter detail  p pause  c clear retained  q quit", "↑↓ / ⏎ p c q"), m.width))
}

// pick is long when it fits in w cells, else short.
func pick(w int, long, short string) string {
	if width(long) <= w {
		return long
	}
	return short
}

// digits is how many decimal digits n has.
func digits(n uint64) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
