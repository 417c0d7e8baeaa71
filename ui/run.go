package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run shows the TUI until the user quits or ctx ends. It draws up to 120
// frames a second: most of a first frame is otherwise the wait for the
// renderer's next tick.
func Run(ctx context.Context, cfg Config) error {
	_, err := tea.NewProgram(New(cfg), tea.WithContext(ctx), tea.WithFPS(120)).Run()
	return err
}
