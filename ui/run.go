package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run shows the TUI until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	_, err := tea.NewProgram(New(cfg), tea.WithContext(ctx)).Run()
	return err
}
