package ui

import (
	"fmt"
	"path/filepath"
	"strings"

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
	bodyH := m.height - len(l.header) - len(l.footer)
	var body []string
	switch {
	case m.mode == modeConfirm || m.mode == modeTyped:
		body = strings.Split(lipgloss.Place(m.width, bodyH, lipgloss.Center, lipgloss.Center, m.dialogBox()), "\n")
	case m.state == nil && m.loadErr == nil:
		body = []string{"", "  Loading…"}
	case len(m.rows) == 0:
		body = m.emptyLines()
	default:
		body = append(m.tableLines(l.listH), l.details...)
	}
	lines := append(l.header, fitHeight(body, bodyH)...)
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

func (m Model) headerLines() []string {
	st := m.styles
	info := []string{text.Clean(filepath.Dir(m.cfg.StorePath)), "key store: " + m.cfg.KeyStore}
	if m.state != nil {
		info = append(info, fmt.Sprintf("%s, %d expired", text.Plural(len(m.state.Sessions), "session"), m.expiredCount()))
	}
	lines := []string{st.Title.Render("tkauth") + st.Header.Render("  "+strings.Join(info, " · "))}
	if m.cfg.KeyStore == "file" {
		w := "⚠ file key store: private keys are plain files on disk"
		if m.cfg.Note != "" {
			w = "⚠ " + m.cfg.Note
		}
		lines = append(lines, st.Warning.Render(w))
	}
	if m.loadErr != nil {
		lines = append(lines, st.Error.Render("Cannot read the store: "+m.loadErr.Error()))
	}
	return lines
}

func (m Model) footerLines() []string {
	st := m.styles
	var status string
	switch {
	case m.busy != "":
		status = m.spin.View() + " " + m.busy + "…"
	case m.mode == modeFilter:
		status = m.filter.View()
	case m.status != "" && m.statusErr:
		status = st.Error.Render(m.wrapStatus())
	case m.status != "":
		status = st.Success.Render(m.wrapStatus())
	case m.filter.Value() != "":
		status = st.Dim.Render("filter: " + text.Clean(m.filter.Value()) + " (esc clears)")
	}
	return append(strings.Split(status, "\n"), strings.Split(m.help.View(m.keys), "\n")...)
}

// gap is the space between columns.
const gap = 2

// maxStatusLines bounds how much of the screen a long message may take.
const maxStatusLines = 3

// wrapStatus wraps the status to the width, so that the end of a long
// error (usually the part that says why) is not cut off.
func (m Model) wrapStatus() string {
	lines := strings.Split(lipgloss.Wrap(text.Clean(m.status), max(m.width, 1), " "), "\n")
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = ansi.Truncate(lines[maxStatusLines-1], m.width-1, "") + "…"
	}
	return strings.Join(lines, "\n")
}

// column is one column of the session table.
type column struct {
	title string
	width int
	cell  func(m Model, s session.Session) string
}

// columns returns the columns that fit the width, dropping the least
// needed first; the session key takes what is left.
func (m Model) columns() []column {
	all := []column{
		{"SESSION", 0, func(_ Model, s session.Session) string { return text.Clean(s.Key) }},
		{"EXPIRES", 18, Model.expiryCell},
		{"TYPE", 10, func(_ Model, s session.Session) string { return text.Type(s.Type) }},
		{"ORG", 13, func(_ Model, s session.Session) string { return text.Clean(session.Short(s.OrganizationID)) }},
		{"TOKEN", 10, Model.verifiedCell},
		{"KEY PAIR", 8, Model.presenceCell},
		{"USER", 13, func(_ Model, s session.Session) string { return text.Clean(session.Short(s.UserID)) }},
	}
	const markW, keyMin, keyMax = 3, 20, 32
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

func (m Model) tableLines(listH int) []string {
	cols := m.columns()
	var head strings.Builder
	head.WriteString("   ")
	for _, c := range cols {
		head.WriteString(pad(c.title, c.width) + strings.Repeat(" ", gap))
	}
	lines := []string{m.styles.ColumnHeader.Render(strings.TrimRight(head.String(), " "))}
	end := min(m.offset+listH, len(m.rows))
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.rowLine(cols, i))
	}
	return lines
}

func (m Model) rowLine(cols []column, i int) string {
	s := m.rows[i]
	cursor, active := " ", " "
	if i == m.cursor {
		cursor = "›"
	}
	if m.state != nil && s.Key == m.state.Active {
		active = "●"
	}
	var b strings.Builder
	b.WriteString(cursor + m.styles.Active.Render(active) + " ")
	for _, c := range cols {
		b.WriteString(pad(c.cell(m, *s), c.width) + strings.Repeat(" ", gap))
	}
	line := strings.TrimRight(b.String(), " ")
	switch {
	case i == m.cursor:
		return m.styles.Cursor.Render(ansi.Strip(line))
	case s.Expired(m.now):
		return m.styles.Expired.Render(ansi.Strip(line))
	}
	return line
}

func (m Model) expiryCell(s session.Session) string {
	text := text.Expiry(m.now, s.Expiry)
	if left := s.Expiry.Sub(m.now); left > 0 && left < RefreshWindow {
		return m.styles.Soon.Render(text)
	}
	return text
}

func (m Model) verifiedCell(s session.Session) string {
	if s.Verified {
		return m.styles.Verified.Render("verified")
	}
	return m.styles.Unverified.Render("unverified")
}

func (m Model) presenceCell(s session.Session) string {
	p, ok := m.presence[s.PublicKey]
	switch {
	case !ok:
		return m.styles.Dim.Render("…")
	case p == session.Missing:
		return m.styles.Error.Render(string(p))
	}
	return string(p)
}

// pad fits s, which may be styled, into exactly w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-lipgloss.Width(s)))
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
	row := func(label, value string) {
		lines = append(lines, "  "+st.Label.Render(pad(label, 14))+value)
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
	if !m.reveal {
		row("secret", st.Dim.Render("token hidden; t shows it"))
		return lines
	}
	w := max(m.width-18, 20)
	for i, part := range strings.Split(lipgloss.Wrap(text.Clean(s.Token), w, ""), "\n") {
		if i == 0 {
			row("secret", part)
		} else {
			row("", part)
		}
	}
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
	if others := m.usersOf[s.PublicKey]; len(others) > 1 {
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
	listH                   int
}

// layout works out a frame once: the details pane is shown whole while at
// least three rows still fit, else not at all.
func (m Model) layout() layout {
	l := layout{header: m.headerLines(), footer: m.footerLines(), details: m.details()}
	main := m.height - len(l.header) - len(l.footer) - 1 // the column header
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

func (m Model) dialogBox() string {
	st := m.styles
	w := min(m.width-6, 72)
	lines := []string{st.DialogTitle.Render(m.dialog.title), ""}
	for _, l := range m.dialog.lines {
		lines = append(lines, lipgloss.Wrap(l, w-4, " "))
	}
	lines = append(lines, "")
	if m.mode == modeTyped {
		lines = append(lines, "Type "+m.dialog.word+" and press enter to confirm; esc cancels.", m.typed.View())
	} else {
		lines = append(lines, "y: confirm   n or esc: cancel")
	}
	return st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
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
