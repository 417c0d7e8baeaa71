package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// q while an action runs asks first: quitting would cut it off. n goes
// back with the action still running; y quits; with nothing running q
// quits at once.
func TestQuitWhileAnActionRuns(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m, _ = press(t, m, "home", "enter")
	if m.busy == "" {
		t.Fatal("setup: nothing runs")
	}
	asked, cmd := press(t, m, "q")
	if s := screen(asked); isQuit(cmd) || asked.focus != focusDialog || !strings.Contains(s, "Quit while an action runs?") ||
		!strings.Contains(s, "Under way: Switching to "+session.DefaultKey+".") || !strings.Contains(s, "y: quit while an action runs · n or esc: cancel") {
		t.Fatalf("q while busy: quit %v, focus %d:\n%s", isQuit(cmd), asked.focus, s)
	}
	if back, cmd := press(t, asked, "n"); isQuit(cmd) || back.focus != focusTable || back.busy == "" {
		t.Errorf("n: quit %v, focus %d, busy %q", isQuit(cmd), back.focus, back.busy)
	}
	_, cmd = press(t, asked, "y")
	if batch, ok := cmd().(tea.BatchMsg); !ok || !slices.ContainsFunc(batch, isQuit) {
		t.Errorf("y did not quit")
	}
}
