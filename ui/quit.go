package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/text"
)

// confirmQuit asks before q or ctrl+c quits while an action runs:
// quitting cuts the action off where it is, and the TUI can no longer say
// how it ended. Cancelling goes back to where the keyboard was.
func (m *Model) confirmQuit() {
	d := newDialog(text.QuitQuestion(m.busy), tea.Quit, m.common)
	d.back = m.focus
	m.dialog, m.focus = d, focusDialog
}
