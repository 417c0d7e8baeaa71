package cli

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
	"github.com/tkauth/tkauth/ui"
)

// In the TUI as tkauth assembles it, esc leaves a login that waits for an
// MFA factor given elsewhere: the activity is rejected on Turnkey, the new
// key pair deleted, nothing stored, and the status line says so.
func TestTUICancelsAnMFAWait(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEscape}, {Code: 'c', Mod: tea.ModCtrl}} {
		t.Run(k.String(), func(t *testing.T) {
			srv := withCodeLogin(t)
			srv.AddContact("sub", "ada", turnkeytest.SandboxPhone)
			srv.RequireMFA("ada", "AUTHENTICATION_TYPE_SMS_OTP")
			dir := t.TempDir()
			keys := store.NewFileKeys(dir)
			m := newManager(store.NewFile(dir), keys)
			sv := session.Servers{Default: srv.URL}
			cfg := tuiConfig(tuiParts{Manager: m, StorePath: store.NewFile(dir).Path(), KeyStore: "file", Servers: &sv, LoginURL: srv.URL,
				AuthProxyURL: srv.URL, AuthProxyID: "cfg"})
			cfg.Watch = false
			screen := &atomic.Value{}
			tm := teatest.NewTestModel(t, screenProbe{ui.New(cfg), screen}, teatest.WithInitialTermSize(100, 30),
				teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
			t.Cleanup(func() { tm.Quit() })
			enter := tea.KeyPressMsg{Code: tea.KeyEnter}

			waitScreen(t, screen, "No sessions")
			tm.Send(tea.KeyPressMsg{Code: 'l', Text: "l"})
			waitScreen(t, screen, "Email address")
			tm.Type(turnkeytest.SandboxEmail)
			tm.Send(enter)
			waitScreen(t, screen, "Turnkey sent")
			tm.Type(turnkeytest.SandboxCode)
			tm.Send(enter)
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
