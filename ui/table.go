package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// shellMark marks the session TKAUTH_SESSION selects for the TUI's shell,
// when it is not the active one (●).
const shellMark = "◆"

// table is the session table: the rows the filter lets through, a cursor
// on one of them, the window of rows that fits, and under it the details
// of the selected session when they fit.
type table struct {
	common
	keys   listKeys
	detail details
	// shownDetails are the details' lines as last sized: the root sizes
	// after every update, so they are the ones to draw.
	shownDetails []string
	width        int
	bodyH        int // the body of the screen
	height       int // rows that fit under the column header
	rows         []*session.Session
	cursor       int    // index in rows
	offset       int    // first row on screen
	selected     string // session key under the cursor, kept across reloads
	// widest is the widest cell of each kind of column over widestOf's
	// sessions: measured once a load, not every frame.
	widest   [colUser + 1]int
	widestOf *session.State
}

// SetSize sizes the table to the body of the screen: the details pane is
// shown whole while at least three rows still fit, else not at all; the
// cursor stays on screen.
func (t *table) SetSize(width, height int) {
	t.width, t.bodyH = width, height
	if t.widestOf != t.state {
		t.widestOf, t.widest = t.state, t.measure()
	}
	t.detail.SetSize(width, 0)
	t.shownDetails = t.details()
	main := height - 1 // the column header
	listH := max(1, main-len(t.shownDetails))
	if len(t.rows) > listH && listH > 1 {
		listH-- // a line says where the rows that do not fit are
	}
	t.height = listH
	t.scroll()
}

// details are the details pane's lines, or none when they do not fit.
func (t table) details() []string {
	d := t.detail
	d.common = t.common
	lines := d.lines(t.current())
	if t.bodyH-1-len(lines) < 3 {
		return nil
	}
	return lines
}

// enable turns on the bindings that the facts give something to act on.
func (t *table) enable() {
	c := can{rows: len(t.rows) > 0, filtered: t.query != "", api: t.api, login: t.canLogin, remote: t.canRemote}
	if t.state != nil {
		c.sessions, c.active = len(t.state.Sessions) > 0, t.state.Active != ""
		c.expired = t.expiredCount() > 0
	}
	t.keys.enable(c)
}

// helpKeys are the bindings the help offers: while an action runs, not
// those that only say to wait for its end (listKey).
func (t table) helpKeys() listKeys {
	t.enable()
	if t.busy != "" {
		for _, b := range []*key.Binding{&t.keys.Activate, &t.keys.Logout, &t.keys.LogoutActive, &t.keys.LogoutExpired, &t.keys.LogoutAll,
			&t.keys.Prune, &t.keys.Refresh, &t.keys.Login, &t.keys.Remote} {
			b.SetEnabled(false)
		}
	}
	return t.keys
}

func (t table) ShortHelp() []key.Binding  { return t.helpKeys().ShortHelp() }
func (t table) FullHelp() [][]key.Binding { return t.helpKeys().FullHelp() }

// Update moves the cursor (keys, wheel); any other key is an action on
// the sessions, which the root runs.
func (t *table) Update(msg tea.Msg) tea.Cmd {
	t.enable()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		t.moveTo(t.cursor + wheelStep(msg.Mouse()))
	case tea.KeyPressMsg:
		if !t.move(msg, t.keys.navKeys) {
			t.ask(actKeyMsg{msg})
		}
	}
	return nil
}

// current is the session under the cursor, or nil.
func (t table) current() *session.Session {
	if t.cursor < len(t.rows) {
		return t.rows[t.cursor]
	}
	return nil
}

// setRows shows rows, keeping the cursor on the selected session when it
// is still shown.
func (t *table) setRows(rows []*session.Session) {
	t.rows = rows
	t.cursor = min(t.cursor, max(len(rows)-1, 0))
	if i := slices.IndexFunc(rows, func(s *session.Session) bool { return s.Key == t.selected }); i >= 0 {
		t.cursor = i
	}
	t.pick()
}

// move handles a cursor key of nav; it reports whether msg was one.
func (t *table) move(msg tea.KeyPressMsg, nav navKeys) bool {
	page := max(t.height-1, 1)
	switch {
	case key.Matches(msg, nav.Up):
		t.moveTo(t.cursor - 1)
	case key.Matches(msg, nav.Down):
		t.moveTo(t.cursor + 1)
	case key.Matches(msg, nav.PageUp):
		t.moveTo(t.cursor - page)
	case key.Matches(msg, nav.PageDown):
		t.moveTo(t.cursor + page)
	case key.Matches(msg, nav.Home):
		t.moveTo(0)
	case key.Matches(msg, nav.End):
		t.moveTo(len(t.rows) - 1)
	default:
		return false
	}
	return true
}

// moveTo puts the cursor on row i, or the nearest there is.
func (t *table) moveTo(i int) {
	t.cursor = max(0, min(i, len(t.rows)-1))
	t.pick()
}

// click selects the row shown on line y under the column header; it
// reports whether there was one.
func (t *table) click(y int) bool {
	if y < 0 || y >= t.height || t.offset+y >= len(t.rows) {
		return false
	}
	t.moveTo(t.offset + y)
	return true
}

// pick remembers the session under the cursor and keeps it on screen.
func (t *table) pick() {
	t.selected = ""
	if s := t.current(); s != nil {
		t.selected = s.Key
	}
	t.scroll()
}

// scroll moves the window of rows so that the cursor is in it.
func (t *table) scroll() {
	h := t.height
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+h {
		t.offset = t.cursor - h + 1
	}
	t.offset = max(0, min(t.offset, len(t.rows)-h))
}

// gap is the space between columns.
const gap = 2

// column is one column of the session table: as wide as its widest
// cell, within its bounds.
type column struct {
	title      string
	width, max int // max: as wide as it may grow for its cells
	kind       columnKind
}

type columnKind int

const (
	colSession columnKind = iota
	colExpires
	colKeyPair
	colToken
	colType
	colOrg
	colUser
)

// columns returns the columns that fit the width, dropping the least
// needed first. What is left grows the session key (to its widest, up to
// keyMax), then the other columns to their widest cells, so that no cell
// is cut while there is room, then the session key to keyMax.
func (t table) columns() []column {
	// Dropped from the right when the width is short: what shows a
	// problem (expired, key pair missing, unverified) goes last.
	all := []column{
		{"SESSION", 0, 0, colSession},
		{"EXPIRES", 17, 17, colExpires},
		{"KEY PAIR", 8, 10, colKeyPair},
		{"TOKEN", 10, 11, colToken},
		{"TYPE", 10, 24, colType},
		{"ORG", 13, 24, colOrg},
		{"USER", 13, 24, colUser},
	}
	const markW, keyMin, keyMax = 3, 16, 32
	keep := len(all)
	used := func(n int) int {
		w := markW + keyMin
		for _, c := range all[1:n] {
			w += c.width + gap
		}
		return w
	}
	for keep > 2 && used(keep) > t.width {
		keep--
	}
	cols := all[:keep]
	cols[0].width = keyMin
	spare := t.width - used(keep)
	grow := func(c *column, to int) {
		add := max(0, min(spare, to-c.width))
		c.width += add
		spare -= add
	}
	grow(&cols[0], min(keyMax, t.widest[colSession]))
	for i := 1; i < len(cols); i++ {
		grow(&cols[i], min(cols[i].max, t.widest[cols[i].kind]))
	}
	grow(&cols[0], keyMax)
	return cols
}

// measure is the width of the widest cell of each kind of column over
// every session stored, so that filtering or scrolling does not move
// columns. Only what a session holds is measured: the columns that
// grow show nothing else.
func (t table) measure() [colUser + 1]int {
	var w [colUser + 1]int
	if t.state == nil {
		return w
	}
	for _, s := range t.state.Sessions {
		for _, k := range []columnKind{colSession, colToken, colType, colOrg, colUser} {
			w[k] = max(w[k], escape.Width(t.cell(k, s, t.facts).text))
		}
		if t.state.IsOneShotNote(s) { // known from the state, before presence
			w[colKeyPair] = len(session.InProcess)
		}
	}
	return w
}

// View is the column header, the rows on screen and the details; while
// the store loads, or when no row is shown, it says so.
func (t table) View() string {
	switch {
	case t.state == nil && t.loadErr == nil:
		return "\n  Loading…"
	case len(t.rows) == 0:
		return strings.Join(t.empty(), "\n")
	}
	return strings.Join(append(t.lines(), t.shownDetails...), "\n")
}

// lines are the column header and the rows on screen.
func (t table) lines() []string {
	f := t.facts
	cols := t.columns()
	var head strings.Builder
	head.WriteString("   ")
	for _, c := range cols {
		head.WriteString(escape.Fit(c.title, c.width) + escape.Spaces(gap))
	}
	lines := []string{t.styles.ColumnHeader.Render(strings.TrimRight(head.String(), " "))}
	end := min(t.offset+t.height, len(t.rows))
	for i := t.offset; i < end; i++ {
		lines = append(lines, t.row(cols, i, f))
	}
	if t.offset > 0 || end < len(t.rows) {
		lines = append(lines, t.styles.Dim.Render(fmt.Sprintf("   ↑ %d above · ↓ %d below · %d–%d of %d", t.offset, len(t.rows)-end, t.offset+1, end, len(t.rows))))
	}
	return lines
}

// cell is a table cell's text, escaped, and its style, if any. Cells are
// fitted as text and styled after.
type cell struct {
	text   string
	style  lipgloss.Style
	styled bool
}

func plain(s string) cell { return cell{text: s} }

func styled(s string, st lipgloss.Style) cell { return cell{text: s, style: st, styled: true} }

func (t table) row(cols []column, i int, f facts) string {
	s := t.rows[i]
	cursor, active := " ", " "
	if i == t.cursor {
		cursor = "›"
	}
	switch s.Key {
	case f.active():
		active = "●"
	case f.shell:
		active = shellMark
	}
	// The cursor's row and an expired one are styled whole; the others
	// cell by cell.
	var whole lipgloss.Style
	wholeRow := true
	switch {
	case i == t.cursor:
		whole = t.styles.Cursor
	case s.Expired(f.now):
		whole = t.styles.Expired
	default:
		wholeRow = false
	}
	var b strings.Builder
	b.WriteString(cursor)
	if wholeRow {
		b.WriteString(active)
	} else {
		b.WriteString(t.styles.Active.Render(active))
	}
	b.WriteString(" ")
	for j, c := range cols {
		cl := t.cell(c.kind, s, f)
		fitted := escape.Fit(cl.text, c.width)
		if j == len(cols)-1 {
			fitted = strings.TrimRight(fitted, " ")
		}
		if cl.styled && !wholeRow {
			fitted = cl.style.Render(fitted)
		}
		b.WriteString(fitted)
		if j < len(cols)-1 {
			b.WriteString(escape.Spaces(gap))
		}
	}
	if wholeRow {
		return whole.Render(b.String())
	}
	return b.String()
}

// cell is session s's cell in the column of kind k.
func (t table) cell(k columnKind, s *session.Session, f facts) cell {
	st := t.styles
	switch k {
	case colExpires:
		c := plain(text.Expiry(f.now, s.Expiry))
		if s.InLastMinute(f.now) {
			return styled(c.text, st.Soon)
		}
		return c
	case colKeyPair:
		p, ok := f.presence[s.PublicKey]
		switch {
		case !ok:
			return styled("…", st.Dim)
		case p == session.Missing:
			return styled(string(p), st.Error)
		case p == session.InProcess:
			return styled(string(p), st.Dim)
		}
		return plain(string(p))
	case colToken:
		if s.Verified {
			return styled("verified", st.Verified)
		}
		return styled(text.Signed(*s), st.Unverified)
	case colType:
		return plain(text.Type(s.Type))
	case colOrg:
		return plain(escape.Clean(session.Short(s.OrganizationLabel())))
	case colUser:
		return plain(escape.Clean(session.Short(s.UserLabel())))
	}
	return plain(escape.Clean(s.Key))
}

// empty says why no row is shown: the filter matches none, or no session
// is stored yet, and how to add one.
func (t table) empty() []string {
	st := t.styles
	if q := t.query; q != "" {
		return []string{"", "  No session matches " + escape.Clean(q) + ".", "", st.Dim.Render("  esc clears the filter.")}
	}
	if t.state == nil {
		return nil
	}
	lines := []string{
		"",
		"  " + st.Title.Render("No sessions yet."),
		"",
		"  Log in with your Turnkey API key, or store a session token you have",
		"  (either becomes the active session):",
		"",
		"      tkauth login --org YOUR_ORGANIZATION_ID",
		"      tkauth add --token-file session.jwt",
		"",
	}
	if t.demo {
		return append(lines, st.Dim.Render("  This is the demo's store: quit, and tkauth demo makes a fresh one."))
	}
	return append(lines, st.Dim.Render("  Or look around first, on sample data: tkauth demo"))
}
