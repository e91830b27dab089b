package watch

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Options configure the view.
type Options struct {
	// Decode shows payloads; nil means DefaultDecoder.
	Decode Decoder
	// ClearRetained publishes an empty retained message to topic, which clears the broker's retained
	// message there. nil leaves `c` out.
	ClearRetained func(ctx context.Context, topic string) error
	// Color allows colour; without it only bold, faint and reverse are used.
	Color bool
	// Title heads the screen: the broker, say.
	Title string
	// History is how many of a topic's last messages the detail view lists; 0 means 10.
	History int
	// Location is the zone of the clock times in the detail view; nil means time.Local.
	Location *time.Location
	// Environ is the process environment (os.Environ() in main), for the terminal's type; nil means
	// os.Environ().
	Environ []string
	// Now stands for time.Now in tests.
	Now func() time.Time
}

// frameRate is the most frames a second drawn; the figures change no faster than a person reads them.
const frameRate = 30

type mode int

const (
	modeTable mode = iota
	modeDetail
	modeSearch
	modeConfirm
)

// tickMsg is a frame's time: the view takes a snapshot and draws.
type tickMsg time.Time

// clearedMsg is the end of a ClearRetained.
type clearedMsg struct {
	topic string
	err   error
}

// model is the view's state. All of it belongs to bubbletea's goroutine: the store is the only thing
// shared with the feed.
type model struct {
	ctx    context.Context
	store  *Store
	o      Options
	st     styles
	snap   Snapshot
	rates  rateTracker
	now    time.Time // the frame's; it stands still while paused
	width  int
	height int

	mode     mode
	paused   bool
	sel      string // the selected topic: by name, so that a new topic above it does not move it
	top      int    // the first row shown
	search   string
	before   string // the selection when the search began, for esc
	lastFind string
	confirm  string // the topic whose retained message c would clear
	note     string // a line for the footer, until the next key
	detail   detailState

	content string // the last frame drawn; rebuilt only when something changed
	dirty   bool
}

func newModel(ctx context.Context, store *Store, o Options) *model {
	if o.Decode == nil {
		o.Decode = DefaultDecoder
	}
	if o.History <= 0 {
		o.History = 10
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &model{ctx: ctx, store: store, o: o, st: newStyles(o.Color), width: 80, height: 24, dirty: true}
	m.frame(o.Now())
	return m
}

func (m *model) Init() tea.Cmd { return m.tick() }

func (m *model) tick() tea.Cmd {
	return tea.Tick(time.Second/frameRate, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// frame brings the view up to date with the store, unless it is paused.
func (m *model) frame(now time.Time) {
	if m.paused {
		return
	}
	m.now = now
	m.store.Snapshot(&m.snap)
	m.rates.sample(&m.snap, now)
	if m.mode == modeDetail {
		m.detail.refresh(m)
	}
	m.dirty = true
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		m.frame(m.o.Now())
		return m, m.tick()
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.dirty = true
	case clearedMsg:
		m.note = "cleared " + msg.topic
		if msg.err != nil {
			m.note = "could not clear " + msg.topic + ": " + msg.err.Error()
		}
		m.dirty = true
	case tea.KeyPressMsg:
		m.dirty = true
		return m, m.key(msg)
	}
	return m, nil
}

// key handles a key press in the current mode.
func (m *model) key(k tea.KeyPressMsg) tea.Cmd {
	s := k.String()
	if s == "ctrl+c" {
		return tea.Quit
	}
	switch m.mode {
	case modeSearch:
		m.searchKey(k)
		return nil
	case modeConfirm:
		return m.confirmKey(s)
	}
	m.note = ""
	switch s {
	case "q":
		return tea.Quit
	case "ctrl+z":
		return tea.Suspend
	case "p", "space":
		m.paused = !m.paused
		if !m.paused {
			m.frame(m.o.Now())
		}
		return nil
	case "c":
		m.askClear()
		return nil
	}
	if m.mode == modeDetail {
		m.detailKey(s)
		return nil
	}
	switch s {
	case "up", "k":
		m.move(-1)
	case "down", "j":
		m.move(1)
	case "pgup":
		m.move(-m.rows())
	case "pgdown":
		m.move(m.rows())
	case "home", "g":
		m.move(-len(m.snap.Topics))
	case "end", "G":
		m.move(len(m.snap.Topics))
	case "enter", "right", "l":
		if m.selected() >= 0 {
			m.mode = modeDetail
			m.detail = detailState{topic: m.sel}
			m.detail.refresh(m)
		}
	case "/":
		m.mode, m.search, m.before = modeSearch, "", m.sel
	case "n":
		m.find(m.lastFind, 1)
	case "N":
		m.find(m.lastFind, -1)
	}
	return nil
}

// selected is the index of the selected topic, or -1; with no selection yet, the first topic is selected.
func (m *model) selected() int {
	if m.sel == "" && len(m.snap.Topics) > 0 {
		m.sel = m.snap.Topics[0].Name
	}
	return m.snap.Find(m.sel)
}

func (m *model) move(by int) {
	if len(m.snap.Topics) == 0 {
		return
	}
	i := min(max(m.selected()+by, 0), len(m.snap.Topics)-1)
	m.sel = m.snap.Topics[i].Name
}

// find selects the next topic (dir 1) or the one before (-1) whose name holds text, ignoring case,
// starting after the selection and going round.
func (m *model) find(text string, dir int) bool {
	n := len(m.snap.Topics)
	if text == "" || n == 0 {
		return false
	}
	text = strings.ToLower(text)
	from := m.selected()
	for step := 1; step <= n; step++ {
		i := ((from+dir*step)%n + n) % n
		if strings.Contains(strings.ToLower(m.snap.Topics[i].Name), text) {
			m.sel = m.snap.Topics[i].Name
			return true
		}
	}
	return false
}

// searchKey edits the search: the selection follows the first match as the text grows, enter keeps it
// and esc goes back to where the search began.
func (m *model) searchKey(k tea.KeyPressMsg) {
	switch s := k.String(); s {
	case "esc":
		m.mode, m.sel = modeTable, m.before
		return
	case "enter":
		m.mode, m.lastFind = modeTable, m.search
		return
	case "backspace":
		if r := []rune(m.search); len(r) > 0 {
			m.search = string(r[:len(r)-1])
		}
	default:
		if k.Text == "" {
			return
		}
		m.search += k.Text
	}
	// Search from the topic before the one the search began on, so that it is a match itself.
	m.sel = m.before
	if i := m.selected(); i >= 0 && len(m.snap.Topics) > 0 {
		m.sel = m.snap.Topics[(i-1+len(m.snap.Topics))%len(m.snap.Topics)].Name
	}
	if !m.find(m.search, 1) {
		m.sel = m.before
	}
}

// askClear asks before clearing the selected topic's retained message.
func (m *model) askClear() {
	topic := m.sel
	if m.mode == modeDetail {
		topic = m.detail.topic
	}
	i := m.snap.Find(topic)
	switch {
	case m.o.ClearRetained == nil:
		m.note = "clearing is not available"
	case i < 0 || !m.snap.Topics[i].Last.Retain:
		m.note = "no retained message seen on this topic"
	default:
		m.confirm, m.mode = topic, modeConfirm
	}
}

func (m *model) confirmKey(s string) tea.Cmd {
	topic := m.confirm
	m.mode = modeTable
	if m.detail.topic == topic {
		m.mode = modeDetail
	}
	m.confirm = ""
	if s != "y" && s != "Y" {
		m.note = ""
		return nil
	}
	m.note = "clearing " + topic + "…"
	clear, ctx := m.o.ClearRetained, m.ctx
	return func() tea.Msg { return clearedMsg{topic, clear(ctx, topic)} }
}

func (m *model) detailKey(s string) {
	switch s {
	case "esc", "backspace", "left", "h", "enter":
		m.mode, m.detail = modeTable, detailState{}
	case "up", "k":
		m.detail.scroll = max(m.detail.scroll-1, 0)
	case "down", "j":
		m.detail.scroll++
	case "pgup":
		m.detail.scroll = max(m.detail.scroll-m.rows(), 0)
	case "pgdown":
		m.detail.scroll += m.rows()
	case "home", "g":
		m.detail.scroll = 0
	}
}

// rows is how many topic rows fit between the header lines and the footer.
func (m *model) rows() int { return max(m.height-3, 1) }

func (m *model) View() tea.View {
	if m.dirty {
		m.content = m.render()
		m.dirty = false
	}
	v := tea.NewView(m.content)
	v.AltScreen = true
	v.WindowTitle = "mqtt watch"
	return v
}

func (m *model) render() string {
	var lines []string
	if m.mode == modeDetail || (m.mode == modeConfirm && m.detail.topic != "") {
		lines = m.renderDetail()
	} else {
		lines = m.renderTable()
	}
	return strings.Join(lines, "\n")
}

// decode is what the view shows of an entry's payload: what the store decoded, or the view's decoder's.
func (m *model) decode(topic string, e *Entry) (line, pretty string) {
	if e.Decoded {
		return e.Line, e.Pretty
	}
	msg := e.Message(topic)
	return m.o.Decode(&msg)
}
