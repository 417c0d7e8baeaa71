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

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

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
	if m.tooSmall() {
		return m.smallScreen()
	}
	header, footer := m.headerLines(), m.footerLines()
	bodyH := max(m.height-len(header)-len(footer), 1)
	lines := append(header, fitHeight(strings.Split(m.shown().View(), "\n"), bodyH)...)
	lines = append(lines, footer...)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return strings.Join(lines, "\n")
}

// bodyHeight is the height between the header and the footer.
func (m Model) bodyHeight() int {
	return max(m.height-len(m.headerLines())-len(m.footerLines()), 1)
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

// wrap wraps s to width and styles each line with st.
func wrap(st lipgloss.Style, s string, width int) []string {
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
			if p := s.Problems(m.now, m.presence[s.PublicKey]); len(p) > 0 {
				active = st.Warning.Render("active: " + escape.Clean(s.Key) + " (" + text.ProblemLabel(p[0]) + ")")
			} else {
				active = st.Header.Render("active: " + escape.Clean(s.Key))
			}
		}
		active += st.Header.Render(" · ")
		if m.cfg.Shell != "" {
			mark := shellMark + " " // as its row is marked, unless it is the active one (●)
			if m.cfg.Shell == m.state.Active {
				mark = ""
			}
			active += st.Warning.Render("this shell: "+mark+escape.Clean(m.cfg.Shell)) + st.Header.Render(" · ")
		}
		info = append(info, fmt.Sprintf("%s, %d expired", text.Plural(len(m.state.Sessions), "session"), m.expiredCount()))
	}
	ks := m.cfg.KeyStore
	if ks == "" {
		ks = "choosing…"
	}
	info = append(info, "key store: "+ks, escape.Clean(filepath.Dir(m.cfg.StorePath)))
	lines := []string{st.Title.Render("tkauth") + "  " + active + st.Header.Render(strings.Join(info, " · "))}
	if m.cfg.KeyStore == "file" {
		w := "⚠ file key store: private keys in plain files"
		if m.cfg.Note != "" {
			w = "⚠ " + escape.Message(m.cfg.Note)
		}
		lines = append(lines, wrap(st.Warning, w, m.width)...)
	}
	for _, l := range m.leftovers {
		lines = append(lines, wrap(st.Warning, "⚠ "+escape.Message(l), m.width)...)
	}
	if m.loadErr != nil {
		lines = append(lines, wrap(st.Error, "Cannot read the store: "+escape.Clean(describe(m.loadErr)), m.width)...)
	}
	return lines
}

// maxStatusLines bounds how much of the screen a long message may take.
const maxStatusLines = 3

func (m Model) footerLines() []string {
	st := m.styles
	var lines []string
	if q := m.filter.Value(); q != "" && m.focus != focusFilter {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("filter: %s · %d of %d (esc clears)", escape.Clean(q), len(m.table.rows), len(m.all))))
	}
	switch {
	case m.busy != "" && m.mfa != nil:
		lines = append(lines, wrap(st.Warning, m.spin.View()+" "+m.busy+": "+m.mfa.line(m.now), m.width)...)
	case m.busy != "":
		lines = append(lines, m.spin.View()+" "+m.busy+"…")
	case m.focus == focusFilter:
		lines = append(lines, m.filter.View())
	}
	// While an action runs, what the user is told shows under it at once.
	if m.status != "" && (m.focus != focusFilter || m.busy != "") {
		style := map[statusKind]lipgloss.Style{statusOK: st.Success, statusWarn: st.Warning, statusErr: st.Error}[m.kind]
		// Wrapped, so that the end of a long error (usually the part that
		// says why) is not cut off.
		for _, l := range fitLines(wrap(lipgloss.NewStyle(), escape.Message(m.status), m.width), m.width) {
			lines = append(lines, style.Render(l))
		}
	}
	return append(lines, m.helpBar())
}

// helpBar is one line of the focused component's keys that work now,
// then ? and q. When they do not fit, the least needed go first; ? and q,
// or what closes the screen shown, always stay.
func (m Model) helpBar() string {
	var keep []key.Binding
	if m.cancellable() { // esc cancels the action, whatever it does there
		keep = append(keep, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")))
	}
	for _, b := range m.focused().ShortHelp() {
		if b.Enabled() && (!m.cancellable() || !slices.Contains(b.Keys(), "esc")) {
			keep = append(keep, b)
		}
	}
	tail := []key.Binding{m.keys.Help, m.keys.Quit}
	h := m.help
	h.SetWidth(0) // measured whole: help's own cut would take ? and q first
	for {
		line := h.ShortHelpView(append(slices.Clip(keep), tail...))
		if lipgloss.Width(line) <= m.width || len(keep) == 0 {
			return line
		}
		keep = keep[:len(keep)-1]
	}
}

// fitLines keeps at most maxStatusLines of lines, the last cut with "…"
// when more were left out.
func fitLines(lines []string, width int) []string {
	if len(lines) <= maxStatusLines {
		return lines
	}
	lines = lines[:maxStatusLines]
	lines[maxStatusLines-1] = ansi.Truncate(lines[maxStatusLines-1], width-1, "") + "…"
	return lines
}
