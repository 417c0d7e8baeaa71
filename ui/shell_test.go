package ui

import (
	"testing"
)

// enter in a TUI whose shell TKAUTH_SESSION pins to a session says that
// this shell keeps using it; switching to that one says nothing more.
func TestSwitchSaysTheShellKeepsItsSession(t *testing.T) {
	mgr, _ := demoManager(t)
	cfg := testConfig(mgr)
	cfg.Shell = "acme/viewer"
	m := loaded(t, cfg, 120, 30)
	m = typeText(t, m, "/globex/ops")
	m, cmd := press(t, m, "enter", "enter")
	m = runAction(t, m, cmd)
	want := "Active session: globex/ops. This shell keeps using acme/viewer: its TKAUTH_SESSION selects it; globex/ops is active where TKAUTH_SESSION is not set."
	if m.kind != statusWarn || m.status != want {
		t.Errorf("switch while the shell is pinned: %d %q", m.kind, m.status)
	}
	m, _ = press(t, m, "esc")
	m = typeText(t, m, "/acme/viewer")
	m, cmd = press(t, m, "enter", "enter")
	if m = runAction(t, m, cmd); m.kind != statusOK || m.status != "Active session: acme/viewer" {
		t.Errorf("switch to the shell's own: %d %q", m.kind, m.status)
	}
}
