package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/text"
)

// confirmQuit asks before q quits while an action runs: quitting cuts the
// action off where it is, and the TUI can no longer say how it ended.
// ctrl+c still quits at once.
func (m *Model) confirmQuit() {
	m.dialog, m.focus = newDialog(text.QuitQuestion(m.busy), tea.Quit, m.common), focusDialog
}
