package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// A terminal too small to draw in says which keys work there, and only
// those act: q quits from the table, ctrl+c closes what is open, and
// nothing acts while an action runs (quitting would ask in a dialog no
// one could see).
func TestTooSmallSaysWhichKeysWork(t *testing.T) {
	mgr, _ := demoManager(t)
	small := func(m Model) Model {
		tm, _ := m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
		return tm.(Model)
	}
	m := small(loaded(t, testConfig(mgr), 100, 30))
	if s := flat(screen(m)); !strings.Contains(s, "(q or ctrl+c quits)") {
		t.Errorf("the table, too small:\n%s", s)
	}
	if _, cmd := press(t, m, "q"); !isQuit(cmd) {
		t.Error("q on the table did not quit")
	}
	// A dialog open: q, n and y do nothing blind; ctrl+c cancels it.
	d, _ := press(t, loaded(t, testConfig(mgr), 100, 30), "d")
	if d.focus != focusDialog {
		t.Fatalf("setup: d opened no dialog (focus %d)", d.focus)
	}
	d = small(d)
	s := flat(screen(d))
	if strings.Contains(s, "quits") || !strings.Contains(s, "ctrl+c closes what is open; other keys wait until it is bigger") {
		t.Errorf("a dialog, too small:\n%s", s)
	}
	for _, k := range []string{"q", "y", "n", "enter"} {
		if after, cmd := press(t, d, k); isQuit(cmd) || after.focus != focusDialog || after.busy != "" {
			t.Errorf("%s in a dialog no one can see: quit %v, focus %d, busy %q", k, isQuit(cmd), after.focus, after.busy)
		}
	}
	if after, cmd := press(t, d, "ctrl+c"); isQuit(cmd) || after.focus != focusTable {
		t.Errorf("ctrl+c in the dialog: quit %v, focus %d", isQuit(cmd), after.focus)
	}
	// An action running: no key acts, and the screen says so.
	b, _ := press(t, loaded(t, testConfig(mgr), 100, 30), "home", "enter")
	if b.busy == "" {
		t.Fatal("setup: nothing runs")
	}
	b = small(b)
	if s := flat(screen(b)); strings.Contains(s, "quits") || !strings.Contains(s, "keys wait until it is bigger") {
		t.Errorf("an action running, too small:\n%s", s)
	}
	for _, k := range []string{"q", "ctrl+c"} {
		if after, cmd := press(t, b, k); isQuit(cmd) || after.focus != focusTable {
			t.Errorf("%s while an action runs, too small: quit %v, focus %d", k, isQuit(cmd), after.focus)
		}
	}
}

// A dialog that takes a typed word takes n and y as letters: only esc
// cancels it.
func TestTypedDialogTakesLetters(t *testing.T) {
	mgr, _ := demoManager(t)
	m, _ := press(t, loaded(t, testConfig(mgr), 100, 30), "D")
	if m.focus != focusDialog || m.dialog.word == "" {
		t.Fatalf("setup: D opened no typed dialog (focus %d)", m.focus)
	}
	m, _ = press(t, m, "n", "y")
	if m.focus != focusDialog || m.dialog.typed.Value() != "ny" {
		t.Fatalf("n and y in the field: focus %d, typed %q", m.focus, m.dialog.typed.Value())
	}
	if s := screen(m); strings.Contains(s, "n/esc") {
		t.Errorf("the help offers n to cancel:\n%s", s)
	}
	if m, _ = press(t, m, "esc"); m.focus != focusTable {
		t.Errorf("esc: focus %d", m.focus)
	}
}
