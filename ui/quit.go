package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/text"
)

// confirmQuit asks before q quits while an action runs: quitting cuts the
// action off where it is. Every step of it is durable, so the store still
// loads, but the TUI can no longer say how the action ended. ctrl+c still
// quits at once.
func (m *Model) confirmQuit() {
	q := text.Question{
		Title: "Quit while an action runs?",
		Lines: []string{
			"Under way: " + m.busy + ".",
			"",
			"Quitting cuts it off where it is: the store stays one that loads, but whether the action was done is not said here; tkauth list shows what is stored.",
		},
		Busy: "Quitting",
	}
	m.dialog, m.focus = newDialog(q, tea.Quit, m.common), focusDialog
}
