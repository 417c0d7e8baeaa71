package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// quits reports whether cmd quits, alone or in a batch.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		return slices.ContainsFunc(msg, quits)
	}
	return false
}

// ctrl+c in a dialog, a form, a viewer or the filter cancels it, as esc
// does, and the TUI stays, the store untouched; from the table it quits,
// but while an action runs it asks first, as q does.
func TestCtrlCCancels(t *testing.T) {
	mgr, _ := demoManager(t)
	_, login := codeLoginAt(t)
	cfg := testConfig(mgr)
	cfg.Login = login
	m := loaded(t, cfg, 100, 30)
	before, err := mgr.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, open := range [][]string{
		{"d"},      // a logout's question
		{"D"},      // one that wants a word typed
		{"D", "y"}, // with some of the word typed
		{"?"},      // the help
		{"t"},      // the token
		{"/", "g"}, // the filter
		{"l"},      // the login form
		{"l", "a"}, // with something typed
		{"y"},      // the question of what to copy
	} {
		opened, _ := press(t, m, open...)
		if opened.focus == focusTable && !opened.yank {
			t.Fatalf("%q opened nothing:\n%s", open, screen(opened))
		}
		got, cmd := press(t, opened, "ctrl+c")
		if quits(cmd) || got.focus != focusTable || got.yank || len(got.table.rows) != 6 {
			t.Errorf("ctrl+c after %q: quit %v, focus %d, %d rows:\n%s", open, quits(cmd), got.focus, len(got.table.rows), screen(got))
		}
	}
	after, err := mgr.State(context.Background())
	if err != nil || !slices.Equal(after.Keys(), before.Keys()) || after.Active != before.Active {
		t.Errorf("the store changed: %v, active %s (%v)", after.Keys(), after.Active, err)
	}

	// While an action runs, ctrl+c asks; ctrl+c again cancels the
	// question, and the action still runs.
	busy, _ := press(t, m, "home", "enter")
	if busy.busy == "" {
		t.Fatal("setup: nothing runs")
	}
	asked, cmd := press(t, busy, "ctrl+c")
	if quits(cmd) || asked.focus != focusDialog || !strings.Contains(screen(asked), "Quit while an action runs?") {
		t.Fatalf("ctrl+c while busy: quit %v, focus %d:\n%s", quits(cmd), asked.focus, screen(asked))
	}
	if back, cmd := press(t, asked, "ctrl+c"); quits(cmd) || back.focus != focusTable || back.busy == "" {
		t.Errorf("ctrl+c in the question: quit %v, focus %d, busy %q", quits(cmd), back.focus, back.busy)
	}
	if _, cmd := press(t, asked, "y"); !quits(cmd) {
		t.Error("y in the question does not quit")
	}
	// From the table, with nothing running, it quits.
	if _, cmd := press(t, m, "ctrl+c"); !quits(cmd) {
		t.Error("ctrl+c on the table does not quit")
	}
}
