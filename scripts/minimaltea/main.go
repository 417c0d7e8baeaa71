// Command minimaltea is the smallest Bubble Tea v2 program that draws a
// frame, alt screen like tkauth: scripts/bench.sh times tkauth's first frame
// against it. -fps sets its frame rate (Bubble Tea's default is 60; tkauth
// runs at 120).
package main

import (
	"flag"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
)

type model struct{}

func (model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		return m, tea.Quit
	}
	return m, nil
}

func (model) View() tea.View {
	v := tea.NewView("minimal ready")
	v.AltScreen = true
	return v
}

func main() {
	fps := flag.Int("fps", 0, "frames a second (0: Bubble Tea's default)")
	flag.Parse()
	if _, err := tea.NewProgram(model{}, tea.WithFPS(*fps)).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
