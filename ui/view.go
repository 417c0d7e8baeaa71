package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// The smallest terminal the TUI draws in; below it, it asks for more.
const minWidth, minHeight = 50, 12

// View implements tea.Model.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "tkauth"
	return v
}

func (m Model) render() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("The terminal is %dx%d.\ntkauth needs at least %dx%d:\nmake it bigger (q or ctrl+c quits).", m.width, m.height, minWidth, minHeight)
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, msg)
	}
	l := m.layout()
	var body []string
	switch {
	case m.mode == modeConfirm || m.mode == modeTyped:
		box := m.styles.Dialog.Width(m.dialogWidth()).Render(strings.Join(m.overlayLines(l.bodyH), "\n"))
		body = strings.Split(lipgloss.Place(m.width, l.bodyH, lipgloss.Center, lipgloss.Center, box), "\n")
	case m.mode == modeToken || m.mode == modeHelp:
		body = m.overlayLines(l.bodyH)
	case m.state == nil && m.loadErr == nil:
		body = []string{"", "  Loading…"}
	case len(m.rows) == 0:
		body = m.emptyLines()
	default:
		body = append(m.tableLines(l.listH), l.details...)
	}
	lines := append(l.header, fitHeight(body, l.bodyH)...)
	lines = append(lines, l.footer...)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return strings.Join(lines, "\n")
}

func fitHeight(lines []string, h int) []string {
	if len(lines) > h {
		return lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

// wrap wraps s to the width and styles each line with st.
func (m Model) wrap(st lipgloss.Style, s string, width int) []string {
	lines := strings.Split(lipgloss.Wrap(s, max(width, 1), " "), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

// headerLines name the active session first: it is what the user acts
// on. Warnings wrap, so that none is cut.
func (m Model) headerLines() []string {
	st := m.styles
	var info []string
	active := ""
	if m.state != nil {
		active = st.Header.Render("no active session")
		if s, ok := m.state.Sessions[m.state.Active]; ok {
			// However it became active (add, another terminal), an active
			// session that cannot be used says so.
			switch {
			case s.Expired(m.now):
				active = st.Warning.Render("active: " + text.Clean(s.Key) + " (expired)")
			case m.presence[s.PublicKey] == session.Missing:
				active = st.Warning.Render("active: " + text.Clean(s.Key) + " (key pair missing)")
			default:
				active = st.Header.Render("active: " + text.Clean(s.Key))
			}
		}
		active += st.Header.Render(" · ")
		info = append(info, fmt.Sprintf("%s, %d expired", text.Plural(len(m.state.Sessions), "session"), m.expiredCount()))
	}
	ks := m.cfg.KeyStore
	if ks == "" {
		ks = "choosing…"
	}
	info = append(info, "key store: "+ks, text.Clean(filepath.Dir(m.cfg.StorePath)))
	lines := []string{st.Title.Render("tkauth") + "  " + active + st.Header.Render(strings.Join(info, " · "))}
	if m.cfg.KeyStore == "file" {
		w := "⚠ file key store: private keys in plain files"
		if m.cfg.Note != "" {
			w = "⚠ " + m.cfg.Note
		}
		lines = append(lines, m.wrap(st.Warning, w, m.width)...)
	}
	if m.loadErr != nil {
		lines = append(lines, m.wrap(st.Error, "Cannot read the store: "+text.Clean(m.loadErr.Error()), m.width)...)
	}
	return lines
}

func (m Model) footerLines() []string {
	st := m.styles
	var lines []string
	if m.filter.Value() != "" && m.mode != modeFilter {
		n := 0
		if m.state != nil {
			n = len(m.state.Sessions)
		}
		lines = append(lines, st.Dim.Render(fmt.Sprintf("filter: %s · %d of %d (esc clears)", text.Clean(m.filter.Value()), len(m.rows), n)))
	}
	switch {
	case m.busy != "":
		lines = append(lines, m.spin.View()+" "+m.busy+"…")
	case m.mode == modeFilter:
		lines = append(lines, m.filter.View())
	case m.status != "":
		style := map[statusKind]lipgloss.Style{statusOK: st.Success, statusWarn: st.Warning, statusErr: st.Error}[m.kind]
		lines = append(lines, m.wrapStatus(style)...)
	}
	return append(lines, m.helpBar())
}

// helpBar is one line of the keys that work now. When they do not fit,
// the least needed go first; ? and q, or what closes the screen shown,
// always stay.
func (m Model) helpBar() string {
	all, must := m.keys.shortHelp()
	var keep []key.Binding
	for _, b := range all[:len(all)-must] {
		if b.Enabled() {
			keep = append(keep, b)
		}
	}
	tail := all[len(all)-must:]
	for {
		line := m.help.ShortHelpView(append(slices.Clip(keep), tail...))
		if lipgloss.Width(line) <= m.width || len(keep) == 0 {
			return line
		}
		keep = keep[:len(keep)-1]
	}
}

// gap is the space between columns.
const gap = 2

// maxStatusLines bounds how much of the screen a long message may take.
const maxStatusLines = 3

// wrapStatus wraps the status to the width, so that the end of a long
// error (usually the part that says why) is not cut off.
func (m Model) wrapStatus(st lipgloss.Style) []string {
	lines := m.wrap(lipgloss.NewStyle(), text.Clean(m.status), m.width)
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = ansi.Truncate(lines[maxStatusLines-1], m.width-1, "") + "…"
	}
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

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

// cell is a table cell's text, escaped, and its style, if any. Cells are
// fitted as text and styled after: measuring styled text costs more than
// the rest of a row (the filter keystroke's frame at 10,000 sessions).
type cell struct {
	text   string
	style  lipgloss.Style
	styled bool
	// kind names style for the memo of styled cells whose text repeats
	// from row to row (Model.styledCell); "" for the rest.
	kind string
}

func plain(s string) cell { return cell{text: s} }

func styled(s string, st lipgloss.Style) cell { return cell{text: s, style: st, styled: true} }

// repeated is a styled cell whose text repeats from row to row, under the
// name of its style.
func repeated(s string, st lipgloss.Style, kind string) cell {
	return cell{text: s, style: st, styled: true, kind: kind}
}

// styleKey is a styled cell in the memo: its style's name and its fitted
// text.
type styleKey struct{ kind, text string }

// styledCell renders fitted in c's style, from the memo when its text
// repeats: lipgloss renders a cell in about 1.5 µs, three a row.
func (m *Model) styledCell(c cell, fitted string) string {
	if c.kind == "" || m.styledMemo == nil {
		return c.style.Render(fitted)
	}
	k := styleKey{c.kind, fitted}
	if r, ok := m.styledMemo[k]; ok {
		return r
	}
	r := c.style.Render(fitted)
	if len(m.styledMemo) < maxStyledMemo {
		m.styledMemo[k] = r
	}
	return r
}

// maxStyledMemo bounds the memo of styled cells.
const maxStyledMemo = 256

// columns returns the columns that fit the width, dropping the least
// needed first; the session key takes what is left.
func (m Model) columns() []column {
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
	for keep > 2 && used(keep) > m.width {
		keep--
	}
	cols := all[:keep]
	cols[0].width = min(keyMax, max(keyMin, m.width-used(keep)+keyMin))
	return cols
}

func (m *Model) tableLines(listH int) []string {
	cols := m.columns()
	var head strings.Builder
	head.WriteString("   ")
	for _, c := range cols {
		head.WriteString(text.Fit(c.title, c.width) + text.Spaces(gap))
	}
	lines := []string{m.styles.ColumnHeader.Render(strings.TrimRight(head.String(), " "))}
	end := min(m.offset+listH, len(m.rows))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.rowLine(cols, i))
	}
	return lines
}

func (m *Model) rowLine(cols []column, i int) string {
	s := m.rows[i]
	cursor, active := " ", " "
	if i == m.cursor {
		cursor = "›"
	}
	if m.state != nil && s.Key == m.state.Active {
		active = "●"
	}
	// The cursor's row and an expired one are styled whole; the others
	// cell by cell.
	var whole lipgloss.Style
	wholeRow := true
	switch {
	case i == m.cursor:
		whole = m.styles.Cursor
	case s.Expired(m.now):
		whole = m.styles.Expired
	default:
		wholeRow = false
	}
	var b strings.Builder
	b.WriteString(cursor)
	if !wholeRow {
		b.WriteString(m.styledCell(repeated(active, m.styles.Active, "active"), active))
	} else {
		b.WriteString(active)
	}
	b.WriteString(" ")
	for j, c := range cols {
		cl := m.cell(c.kind, s)
		fitted := text.Fit(cl.text, c.width)
		if j == len(cols)-1 {
			fitted = strings.TrimRight(fitted, " ")
		}
		if cl.styled && !wholeRow {
			fitted = m.styledCell(cl, fitted)
		}
		b.WriteString(fitted)
		if j < len(cols)-1 {
			b.WriteString(text.Spaces(gap))
		}
	}
	if wholeRow {
		return whole.Render(b.String())
	}
	return b.String()
}

// cell is session s's cell in the column of kind k.
func (m *Model) cell(k columnKind, s *session.Session) cell {
	switch k {
	case colExpires:
		c := plain(text.Expiry(m.now, s.Expiry))
		if left := s.Expiry.Sub(m.now); left > 0 && left < RefreshWindow {
			return styled(c.text, m.styles.Soon)
		}
		return c
	case colKeyPair:
		p, ok := m.presence[s.PublicKey]
		switch {
		case !ok:
			return repeated("…", m.styles.Dim, "dim")
		case p == session.Missing:
			return repeated(string(p), m.styles.Error, "error")
		}
		return plain(string(p))
	case colToken:
		if s.Verified {
			return repeated("verified", m.styles.Verified, "verified")
		}
		return repeated("unverified", m.styles.Unverified, "unverified")
	case colType:
		return plain(text.Type(s.Type))
	case colOrg:
		return plain(text.Clean(session.Short(s.OrganizationID)))
	case colUser:
		return plain(text.Clean(session.Short(s.UserID)))
	}
	return plain(text.Clean(s.Key))
}

func (m Model) details() []string {
	if m.cursor >= len(m.rows) {
		return nil
	}
	s, st := *m.rows[m.cursor], m.styles
	title := text.Clean(s.Key)
	if m.state != nil && s.Key == m.state.Active {
		title += " · active"
	}
	lines := []string{st.Dim.Render("── ") + st.Title.Render(title) + st.Dim.Render(" "+strings.Repeat("─", max(0, m.width-lipgloss.Width(title)-4)))}
	const labelW = 16 // two spaces and the label
	row := func(label, value string) {
		for i, part := range strings.Split(lipgloss.Wrap(value, max(m.width-labelW, 10), " "), "\n") {
			if i > 0 {
				label = ""
			}
			lines = append(lines, "  "+st.Label.Render(text.Fit(label, labelW-2))+part)
		}
	}
	row("user", text.Clean(s.UserID))
	row("organization", text.Clean(s.OrganizationID))
	row("type", text.Type(s.Type)+" ("+text.Clean(string(s.Type))+")")
	expires := s.Expiry.UTC().Format("2006-01-02 15:04:05 UTC") + " · " + text.Expiry(m.now, s.Expiry)
	if left := s.Expiry.Sub(m.now); left > 0 && left < RefreshWindow && m.cfg.Servers != nil {
		expires += st.Soon.Render(" · R refreshes it")
	}
	row("expires", expires)
	row("stored", s.StoredAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	row("public key", text.Clean(s.PublicKey))
	row("key pair", m.keyPairText(s))
	if s.Verified {
		row("token", st.Verified.Render("verified: signed by Turnkey"))
	} else {
		row("token", st.Unverified.Render("unverified: not signed by Turnkey's production key"))
	}
	if m.cfg.Servers != nil {
		row("turnkey", m.checkCell(s.Key))
	}
	if s.SessionProfileID != "" || s.Scope != "" {
		row("profile", text.Clean(s.SessionProfileID)+"  scope "+text.Clean(s.Scope))
	}
	row("secret", st.Dim.Render("token hidden; t shows it, y copies it"))
	return lines
}

func (m Model) keyPairText(s session.Session) string {
	var text string
	kp, ours := m.state.KeyPairs[s.PublicKey]
	switch p, known := m.presence[s.PublicKey]; {
	case !known:
		text = "checking…"
	case !ours:
		text = string(p) + "; not created by tkauth"
	default:
		text = string(p) + " in the " + kp.KeyStore + " key store"
	}
	if others := m.usersOf(s.PublicKey); len(others) > 1 {
		text += "; shared with " + sharedWith(others, s.Key)
	}
	return text
}

// sharedWith names the sessions in users other than self: a few, and how
// many more.
func sharedWith(users []string, self string) string {
	const most = 3
	var names []string
	for _, u := range users {
		if u != self && len(names) < most {
			names = append(names, u)
		}
	}
	text := text.CleanJoin(names)
	if rest := len(users) - 1 - len(names); rest > 0 {
		text += fmt.Sprintf(" and %d more", rest)
	}
	return text
}

// layout is a frame's parts and the rows that fit between them.
type layout struct {
	header, footer, details []string
	bodyH, listH            int
}

// layout works out a frame once: the details pane is shown whole while at
// least three rows still fit, else not at all.
func (m Model) layout() layout {
	l := layout{header: m.headerLines(), footer: m.footerLines()}
	l.bodyH = max(m.height-len(l.header)-len(l.footer), 1)
	if m.mode == modeList || m.mode == modeFilter {
		l.details = m.details()
	}
	main := l.bodyH - 1 // the column header
	if main-len(l.details) < 3 {
		l.details = nil
	}
	l.listH = max(1, main-len(l.details))
	return l
}

// listHeight is how many rows fit on screen.
func (m Model) listHeight() int { return m.layout().listH }

func (m Model) emptyLines() []string {
	st := m.styles
	if m.filter.Value() != "" {
		return []string{"", "  No session matches " + text.Clean(m.filter.Value()) + ".", "", st.Dim.Render("  esc clears the filter.")}
	}
	if m.state == nil {
		return nil
	}
	return []string{
		"",
		"  " + st.Title.Render("No sessions yet."),
		"",
		"  Store a Turnkey session token (it becomes the active session):",
		"",
		"      tkauth add --token-file session.jwt",
		"",
		st.Dim.Render("  Or look around first, on sample data: tkauth demo"),
	}
}

// checkCell says what Turnkey said of the session, when asked.
func (m Model) checkCell(key string) string {
	st := m.styles
	if m.checking[key] {
		return st.Dim.Render("asking…")
	}
	c, ok := m.checks[key]
	if !ok {
		return st.Dim.Render("not checked; c asks Turnkey")
	}
	at := " (" + c.at.Format("15:04:05") + ")"
	switch c.check.Status {
	case session.Valid:
		return st.Verified.Render("valid") + at
	case session.Rejected:
		return st.Error.Render("rejected") + at + ": " + text.Clean(c.check.Why.Error())
	}
	return st.Unverified.Render(string(c.check.Status)) + at + ": " + text.Clean(c.check.Why.Error())
}
