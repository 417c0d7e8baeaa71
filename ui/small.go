package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The smallest terminal the TUI draws in; below it, it asks for more.
const minWidth, minHeight = 50, 12

// tooSmall: the terminal is below the size the TUI draws in.
func (m Model) tooSmall() bool {
	return m.width > 0 && m.height > 0 && (m.width < minWidth || m.height < minHeight)
}

// smallScreen asks for a bigger terminal and names the keys that work
// meanwhile: nothing can be seen, so only what is safe done blind.
func (m Model) smallScreen() string {
	lines := []string{fmt.Sprintf("The terminal is %dx%d.", m.width, m.height), fmt.Sprintf("tkauth needs at least %dx%d:", minWidth, minHeight)}
	switch {
	case m.busy != "":
		lines = append(lines, "make it bigger. Under way: "+m.busy+"; keys wait until it is bigger.")
	case m.focus == focusTable && !m.yank:
		lines = append(lines, "make it bigger (q or ctrl+c quits).")
	default:
		lines = append(lines, "make it bigger (ctrl+c closes what is open; other keys wait until it is bigger).")
	}
	// Wrapped to the width, but never narrower than a phrase: on a tiny
	// terminal the words are cut by the terminal, not broken up by tkauth.
	msg := lipgloss.Wrap(strings.Join(lines, "\n"), max(m.width-2, 40), " ")
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, msg)
}

// smallKey is a key while the terminal is too small: ctrl+c closes what
// is open (a dialog, a form, a viewer), or quits from the table, as ever,
// and q quits from the table; no other key acts on what cannot be seen,
// and while an action runs none does, since quitting would ask first in
// a dialog no one can see.
func (m Model) smallKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case m.busy != "":
		return m, nil
	case key.Matches(msg, m.keys.Interrupt):
		return m.interrupt(msg)
	case m.focus == focusTable && !m.yank && key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	}
	return m, nil
}
