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

// interrupt is ctrl+c: it quits from the table when nothing runs; while
// an action runs there, or in the login form, it asks first, as q does;
// anywhere else it goes to the focused component, which cancels.
func (m Model) interrupt(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case m.yank:
		m.yank = false
		m.say(statusOK, "Nothing copied.")
		return m, nil
	case m.focus == focusTable && m.busy == "":
		return m, tea.Quit
	case m.cancellable():
		return m.cancelAction()
	case m.focus == focusTable, m.focus == focusLogin && m.busy != "":
		m.confirmQuit()
		return m, nil
	}
	return m.routeTo(m.focus, msg)
}
