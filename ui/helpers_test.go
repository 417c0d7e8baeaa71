package ui

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/cryptotest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// demoManager is a real Manager over a demo store in a temporary
// directory, its key pairs made deterministic so screens can be compared.
func demoManager(t *testing.T) (*session.Manager, string) {
	t.Helper()
	cryptotest.SetGlobalRandom(t, 1)
	dir := t.TempDir()
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir)).WithClock(clock)
	if err := fixture.SeedDemo(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m, dir
}

func testConfig(m *session.Manager) Config {
	return Config{Sessions: m, StorePath: store.NewFile("/home/ada/.config/tkauth").Path(), KeyStore: "file", Clock: clock}
}

// loaded returns the model after a resize and a load, with key pair
// presence known.
func loaded(t *testing.T, cfg Config, w, h int) Model {
	t.Helper()
	var tm tea.Model = New(cfg)
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	tm, cmd := tm.Update(loadCmd(cfg.Sessions, new(atomic.Uint64))())
	tm, _ = tm.Update(cmd())
	return tm.(Model)
}

// press sends keys one at a time and returns the model and last command.
func press(t *testing.T, m Model, keys ...string) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	var tm tea.Model = m
	for _, k := range keys {
		tm, cmd = tm.Update(keyMsg(k))
	}
	return tm.(Model), cmd
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "delete":
		return tea.KeyPressMsg{Code: tea.KeyDelete}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// finish runs the action the last key started and feeds its outcome and
// the reload back, as the program would.
func finish(t *testing.T, m Model) Model {
	t.Helper()
	var tm tea.Model = m
	tm, cmd := tm.Update(m.dialog.run())
	tm, cmd = tm.Update(cmd()) // the reload
	tm, _ = tm.Update(cmd())   // key pair presence
	return tm.(Model)
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func screen(m Model) string { return ansi.Strip(m.View().Content) }
