package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// s shows the selected session's user's sessions on Turnkey, this
// machine's marked; O ends the one made elsewhere after a confirmation,
// and the list follows; d on this machine's own ends it and logs it out.
func TestRemoteSessionsInTheTUI(t *testing.T) {
	ctx := context.Background()
	m, sv, srv := loggedInAt(t)
	elsewhere := srv.SessionElsewhere("o", "u", time.Hour)
	api := sv.Dial("").(session.RemoteAPI)
	at := func(ctx context.Context, key string) (session.Session, session.Signer) {
		s, err := m.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		by, err := m.Signer(ctx, s.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return s, by
	}
	cfg := testConfig(m)
	cfg.Clock, cfg.Servers = time.Now, sv
	cfg.Remote = &Remote{
		List: func(ctx context.Context, key string) (session.Remote, error) {
			s, by := at(ctx, key)
			return m.Remote(ctx, api, s, by)
		},
		End: func(ctx context.Context, key string, r session.Remote, doomed []session.RemoteSession) (session.RemoteEnd, error) {
			_, by := at(ctx, key)
			return m.EndRemote(ctx, api, r, by, doomed)
		},
	}
	tm := loaded(t, cfg, 120, 30)
	if tm.table.current().Key != "later" {
		t.Fatalf("selected %s", tm.table.current().Key)
	}

	tm, cmd := press(t, tm, "s")
	tm, _ = outcome(t, tm, cmd)
	out := screen(tm)
	// Stored here is marked ⌂: ● marks the active session everywhere else.
	if !strings.Contains(out, "3 live sessions of user") || !strings.Contains(out, "⌂ later (this machine)") || !strings.Contains(out, "⌂ soon (this machine)") || strings.Contains(out, "●") || !strings.Contains(out, "1 long-lived API key") {
		t.Fatalf("the remote view:\n%s", out)
	}

	tm, _ = press(t, tm, "O")
	if out := screen(tm); tm.focus != focusDialog || !strings.Contains(out, "End 1 session on Turnkey?") || !strings.Contains(out, session.Short(elsewhere)) ||
		!strings.Contains(out, "This session of user") || !strings.Contains(out, "A session on another device ends at once: whoever holds it must") {
		t.Fatalf("O:\n%s", out)
	}
	tm, cmd = press(t, tm, "y")
	tm, more := outcome(t, tm, cmd)
	if tm.focus != focusRemote || srv.HasKey(elsewhere) || !strings.Contains(tm.status, "Ended 1 session on Turnkey") || !strings.Contains(tm.status, "wherever it was, it no longer works.") {
		t.Fatalf("after O: focus %d, status %q", tm.focus, tm.status)
	}
	for _, msg := range more().(tea.BatchMsg) {
		tm = feed(t, tm, msg())
	}
	if out := screen(tm); !strings.Contains(out, "2 live sessions of user") {
		t.Errorf("the list did not follow:\n%s", out)
	}

	// The cursor is on the oldest: "soon". d ends it, and logs it out here.
	soon, _ := m.Get(ctx, "soon")
	tm, _ = press(t, tm, "d")
	if out := screen(tm); !strings.Contains(out, "this machine's soon, logged out here too") || strings.Contains(out, "at once") {
		t.Fatalf("d:\n%s", out)
	}
	tm, cmd = press(t, tm, "y")
	tm, _ = outcome(t, tm, cmd)
	if _, err := m.Get(ctx, "soon"); err == nil || srv.HasKey(soon.PublicKey) || !strings.Contains(tm.status, "it no longer works. Logged out soon;") || strings.Contains(tm.status, "among them") {
		t.Errorf("after d: %v, status %q", err, tm.status)
	}
	tm, _ = press(t, tm, "esc")
	if tm.focus != focusTable {
		t.Errorf("esc: focus %d", tm.focus)
	}
}

// feed gives the model one message, as the program would.
func feed(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	tm, _ := m.Update(msg)
	return tm.(Model)
}
