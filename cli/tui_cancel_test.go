package cli

import (
	"context"
	"os"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// In the TUI as tkauth assembles it, esc leaves a login that waits for an
// MFA factor given elsewhere: the activity is rejected on Turnkey, the new
// key pair deleted, nothing stored, and the status line says so.
func TestTUICancelsAnMFAWait(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEscape}, {Code: 'c', Mod: tea.ModCtrl}} {
		t.Run(k.String(), func(t *testing.T) {
			srv, m, keys, tm, screen := tuiAtAnSMSFactor(t)
			waitScreen(t, screen, "2) none: give it in another app or device")
			tm.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
			waitScreen(t, screen, "given in another app or device", "esc cancel")
			if made, _ := os.ReadDir(keys.Dir()); len(srv.Waiting()) != 1 || len(made) == 0 {
				t.Fatalf("waiting on Turnkey: %v; key pairs %v", srv.Waiting(), made)
			}
			tm.Send(k)
			waitScreen(t, screen, "Cancelled: Logging in; nothing was stored.")

			st, err := m.State(context.Background())
			if err != nil || len(st.Sessions) != 0 || len(srv.Waiting()) != 0 {
				t.Errorf("stored %v (%v); waiting on Turnkey %v", st.Keys(), err, srv.Waiting())
			}
			if left, _ := os.ReadDir(keys.Dir()); len(left) != 0 {
				t.Errorf("key pairs left: %v", left)
			}
		})
	}
}
