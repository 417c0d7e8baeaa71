package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/text"
)

// The overlays (a dialog, the token, the help) have a head and a foot that
// are always shown, whatever the terminal's size, and between them a body
// that scrolls when it does not fit: a dialog never loses its question,
// its confirm line or its input.

// parts is an overlay's content.
type parts struct {
	head, body, foot []string
}

// dialogWidth is the dialog box's width, border included.
func (m Model) dialogWidth() int { return min(m.width-2, 76) }

// dialogFrame is what the dialog box's border and padding take.
const dialogFrameW, dialogFrameH = 6, 2

// overlayParts lays out the overlay of the current mode; tight drops the
// blank lines that separate its parts.
func (m Model) overlayParts(tight bool) parts {
	blank := []string{""}
	if tight {
		blank = nil
	}
	st := m.styles
	switch m.mode {
	case modeConfirm, modeTyped:
		w := m.dialogWidth() - dialogFrameW
		d := m.dialog
		p := parts{head: append(m.wrap(st.DialogTitle, d.title, w), blank...)}
		for _, l := range d.lines {
			p.body = append(p.body, m.wrap(lipgloss.NewStyle(), l, w)...)
		}
		var confirm string
		if m.mode == modeTyped {
			confirm = "Type " + d.word + " and press enter to log out"
			if d.revoke != nil {
				confirm += ", or " + d.revokeWord + " to revoke on Turnkey first"
			}
			confirm += "; esc cancels."
		} else {
			// The title's question as an answer: its first letter lowered,
			// never the session key in it.
			what := strings.TrimSuffix(d.title, "?")
			confirm = "y: " + strings.ToLower(what[:1]) + what[1:]
			if d.revoke != nil {
				confirm = "y: log out here · r: revoke on Turnkey, then log out"
			}
			confirm += " · n or esc: cancel"
		}
		p.foot = append(slices.Clone(blank), m.wrap(st.Label, confirm, w)...)
		if m.mode == modeTyped {
			p.foot = append(p.foot, m.typed.View())
		}
		return p
	case modeToken:
		if m.cursor >= len(m.rows) {
			return parts{}
		}
		s := m.rows[m.cursor]
		tok := text.Escape(s.Token) // whole: Clean cuts long text
		head := m.wrap(st.Title, fmt.Sprintf("Token of %s (%d characters)", text.Clean(s.Key), len(tok)), m.width)
		w := max(m.width-2, 10)
		var body []string
		for _, l := range strings.Split(ansi.Hardwrap(tok, w, false), "\n") {
			body = append(body, "  "+l)
		}
		foot := m.wrap(st.Dim, "It signs nothing by itself; anyone who holds it and the key pair is this session until it expires.", m.width)
		return parts{head: append(head, blank...), body: body, foot: append(slices.Clone(blank), foot...)}
	case modeHelp:
		keys := newKeyMap()
		keys.setMode(modeList, can{rows: true, sessions: true, active: true, expired: true, filtered: true, api: m.cfg.Servers != nil})
		var body []string
		for i, group := range keys.helpGroups() {
			if i > 0 {
				body = append(body, "")
			}
			for _, b := range group {
				if b.Enabled() {
					body = append(body, "  "+st.Title.Render(text.Fit(b.Help().Key, 8))+" "+b.Help().Desc)
				}
			}
		}
		body = append(body, "", "  In a dialog, ↑ ↓ pgup pgdn scroll what does not fit. The mouse selects and scrolls.")
		return parts{head: append([]string{st.Title.Render("Keys")}, blank...), body: body}
	}
	return parts{}
}

// overlayRoom is how many lines of the overlay's body fit in bodyH, and
// the parts laid out for it.
func (m Model) overlayRoom(bodyH int) (int, parts) {
	if m.mode == modeConfirm || m.mode == modeTyped {
		bodyH -= dialogFrameH
	}
	p := m.overlayParts(false)
	room := bodyH - len(p.head) - len(p.foot)
	if room < len(p.body) {
		// It scrolls: the blank lines give their room to the body.
		p = m.overlayParts(true)
		room = bodyH - len(p.head) - len(p.foot)
	}
	return max(room, 1), p
}

// overlayLines is the overlay fitted to bodyH, its body from m.scrollOff,
// with a line that says what is above and below.
func (m Model) overlayLines(bodyH int) []string {
	room, p := m.overlayRoom(bodyH)
	body := p.body
	if len(body) > room {
		shown := max(room-1, 1)
		off := max(0, min(m.scrollOff, len(body)-shown))
		end := min(off+shown, len(body))
		more := fmt.Sprintf("  ↑↓ %d–%d of %d lines", off+1, end, len(body))
		body = append(slices.Clone(body[off:end]), m.styles.Dim.Render(more))
	}
	out := append(slices.Clone(p.head), body...)
	return append(out, p.foot...)
}

// overlayMaxOff is how far the overlay's body scrolls.
func (m Model) overlayMaxOff() int {
	room, p := m.overlayRoom(m.layout().bodyH)
	if len(p.body) <= room {
		return 0
	}
	return len(p.body) - max(room-1, 1)
}

// overlayPage is a page of the overlay's body.
func (m Model) overlayPage() int {
	room, _ := m.overlayRoom(m.layout().bodyH)
	return max(room-2, 1)
}

// overlayScrolls says whether the overlay shown has more than fits.
func (m Model) overlayScrolls() bool {
	if m.mode == modeList || m.mode == modeFilter || m.width == 0 {
		return false
	}
	return m.overlayMaxOff() > 0
}
