package ui

import tea "charm.land/bubbletea/v2"

// Run shows the TUI until the user quits.
func Run(cfg Config) error {
	_, err := tea.NewProgram(New(cfg)).Run()
	return err
}
