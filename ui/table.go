package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

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

// facts are what the panes show, as the root last learned them.
type facts struct {
	state    *session.State
	presence map[string]session.Presence
	checks   map[string]checkedMsg // Turnkey's last verdict, by session key
	checking map[string]bool       // sessions being checked now
	now      time.Time
	api      bool   // Turnkey's API is at hand (not in the demo)
	shell    string // the session TKAUTH_SESSION selects, if any
}

// active is the key of the active session, or "".
func (f facts) active() string {
	if f.state == nil {
		return ""
	}
	return f.state.Active
}

// table is the session table: the rows the filter lets through, a cursor
// on one of them, and the window of rows that fits.
type table struct {
	styles   *Styles
	keys     listKeys
	width    int
	height   int // rows that fit under the column header
	rows     []*session.Session
	cursor   int    // index in rows
	offset   int    // first row on screen
	selected string // session key under the cursor, kept across reloads
}

// SetSize sizes the table to width and a height of rows, and keeps the
// cursor on screen.
func (t *table) SetSize(width, height int) {
	t.width, t.height = width, max(height, 1)
	t.scroll()
}

func (t table) ShortHelp() []key.Binding  { return t.keys.ShortHelp() }
func (t table) FullHelp() [][]key.Binding { return t.keys.FullHelp() }

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

// column is one column of the session table.
type column struct {
	title string
	width int
	kind  columnKind
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
// needed first; the session key takes what is left.
func (t table) columns() []column {
	// Dropped from the right when the width is short: what shows a
	// problem (expired, key pair missing, unverified) goes last.
	all := []column{
		{"SESSION", 0, colSession},
		{"EXPIRES", 17, colExpires},
		{"KEY PAIR", 8, colKeyPair},
		{"TOKEN", 10, colToken},
		{"TYPE", 10, colType},
		{"ORG", 13, colOrg},
		{"USER", 13, colUser},
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
	cols[0].width = min(keyMax, max(keyMin, t.width-used(keep)+keyMin))
	return cols
}

// View is the column header and the rows on screen.
func (t table) View(f facts) []string {
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
