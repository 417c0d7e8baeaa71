package ui

import (
	"context"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
)

// firstLoadMemory bounds the heap while the collector waits for the first
// load (Run).
const firstLoadMemory = 256 << 20

// Run shows the TUI until the user quits or ctx ends.
//
// The first load allocates the whole store at once, and collecting garbage
// during it only delays the first frame: 16 ms of 57 at 10,000 sessions.
// So the collector waits until the first load is on screen (bounded by a
// memory limit meanwhile), then works as usual.
func Run(ctx context.Context, cfg Config) error {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(firstLoadMemory)
	restore := sync.OnceFunc(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	defer restore()
	cfg.afterFirstLoad = restore
	_, err := tea.NewProgram(New(cfg), tea.WithContext(ctx), tea.WithFPS(120)).Run()
	return err
}
