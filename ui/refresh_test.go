package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// loggedIn is a Manager with two sessions from a fake Turnkey: "soon"
// expiring in 30 s, and "later" in 10 minutes, active; and where their
// requests go.
func loggedIn(t *testing.T) (*session.Manager, *session.Servers) {
	m, sv, _ := loggedInAt(t)
	return m, sv
}

// loggedInAt is loggedIn, and the fake Turnkey.
func loggedInAt(t *testing.T) (*session.Manager, *session.Servers, *turnkeytest.Server) {
	t.Helper()
	ctx := context.Background()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	api, by := srv.Client(), srv.NewAPIKey("o", "u")
	dir := t.TempDir()
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir))
	for _, s := range []struct {
		key string
		exp time.Duration
	}{{"soon", 30 * time.Second}, {"later", 10 * time.Minute}} {
		if _, err := m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: by, Org: "o"}, session.LoginOptions{Key: s.key, Expires: s.exp}); err != nil {
			t.Fatal(err)
		}
	}
	return m, &session.Servers{Dial: func(string) session.TurnkeyAPI { return api }, Default: api.BaseURL()}, srv
}

// runAction runs the action a key or tick started and feeds back its
// outcome and the reload.
func runAction(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) == 0 {
		t.Fatalf("no action started")
	}
	var tm tea.Model = m
	tm, reload := tm.Update(batch[0]())
	tm, presence := tm.Update(reload())
	tm, _ = tm.Update(presence())
	return tm.(Model)
}

func TestAutoRefreshOnlyTheActiveSession(t *testing.T) {
	mgr, api := loggedIn(t)
	cfg := Config{Sessions: mgr, KeyStore: "file", Clock: time.Now, Servers: api, AutoRefresh: true}
	m := loaded(t, cfg, 100, 30)
	if cmd := m.autoRefresh(); cmd != nil || m.busy != "" {
		t.Fatal("auto-refresh started for a session that is not the active one")
	}
	before, _ := mgr.Get(context.Background(), "soon")
	if err := mgr.SetActive(context.Background(), "soon"); err != nil {
		t.Fatal(err)
	}
	m = loaded(t, cfg, 100, 30)
	cmd := m.autoRefresh()
	if cmd == nil || m.busy != "Refreshing soon before it expires" {
		t.Fatalf("no auto-refresh of the active session in its last minute (busy %q)", m.busy)
	}
	if again := m.autoRefresh(); again != nil {
		t.Error("auto-refresh tried the same token twice")
	}
	m = runAction(t, m, cmd)
	after, _ := mgr.Get(context.Background(), "soon")
	// As Turnkey's kit: for as long as the session had when stored.
	if life := after.Expiry.Sub(after.StoredAt); after.Token == before.Token || life < 28*time.Second || life > 31*time.Second {
		t.Errorf("not refreshed for its own lifetime: stored %s, expires %s", after.StoredAt, after.Expiry)
	}
	if !strings.HasPrefix(m.status, "Refreshed soon at http://127.0.0.1:") {
		t.Errorf("status %q", m.status)
	}
}

func TestRefreshKey(t *testing.T) {
	mgr, api := loggedIn(t)
	m := loaded(t, Config{Sessions: mgr, KeyStore: "file", Clock: time.Now, Servers: api}, 100, 30)
	// Rows: later, soon. The hint shows on the one in its last minute.
	m, _ = press(t, m, "j")
	if m.table.selected != "soon" || !strings.Contains(screen(m), "R refreshes it") {
		t.Fatalf("no refresh hint for soon:\n%s", screen(m))
	}
	m, cmd := press(t, m, "R")
	if m.busy != "Refreshing soon" {
		t.Fatalf("R: busy %q", m.busy)
	}
	m = runAction(t, m, cmd)
	if !regexp.MustCompile(`^Refreshed soon at http://127\.0\.0\.1:\d+: expires in (2[89]|30)s\.$`).MatchString(m.status) || m.kind == statusErr { // 30 s again, as it had
		t.Errorf("status %q", m.status)
	}
	// Without Turnkey's API (the demo), R says why it does nothing.
	demo, _ := demoManager(t)
	d, cmd := press(t, loaded(t, testConfig(demo), 100, 30), "R")
	if cmd != nil || !strings.Contains(d.status, "the demo has none") {
		t.Errorf("R in the demo: %q", d.status)
	}
}

// c asks Turnkey about the selected session, and the answer shows in the
// status line and in the details pane; the demo has no Turnkey to ask.
func TestCheckKey(t *testing.T) {
	mgr, sv, srv := loggedInAt(t)
	m := loaded(t, Config{Sessions: mgr, KeyStore: "file", Clock: time.Now, Servers: sv}, 100, 30)
	if !strings.Contains(screen(m), "not checked; c asks Turnkey") {
		t.Fatalf("no hint to check:\n%s", screen(m))
	}
	check := func(m Model) Model {
		t.Helper()
		m, cmd := press(t, m, "c")
		if cmd == nil || !strings.Contains(screen(m), "asking") {
			t.Fatalf("c started nothing:\n%s", screen(m))
		}
		tm, _ := m.Update(cmd())
		return tm.(Model)
	}
	m = check(m)
	if !regexp.MustCompile(`^Turnkey \(http://127\.0\.0\.1:\d+\) accepts later\.$`).MatchString(m.status) || m.kind == statusErr || !strings.Contains(screen(m), "turnkey       valid (") {
		t.Errorf("valid: status %q\n%s", m.status, screen(m))
	}
	later, _ := mgr.Get(context.Background(), "later")
	srv.DeleteKey(later.PublicKey)
	m = check(m)
	if !strings.HasPrefix(m.status, "Turnkey rejects later: ") || m.kind != statusErr || !strings.Contains(screen(m), "rejected (") {
		t.Errorf("rejected: status %q\n%s", m.status, screen(m))
	}
	demo, _ := demoManager(t)
	d, cmd := press(t, loaded(t, testConfig(demo), 100, 30), "c")
	if cmd != nil || !strings.Contains(d.status, "the demo has none") {
		t.Errorf("c in the demo: %q", d.status)
	}
}

// A session logged in shows Turnkey's names for its organization and user,
// in the table and in the details with the IDs.
func TestSessionsShowTheirNames(t *testing.T) {
	mgr, sv, _ := loggedInAt(t)
	cfg := testConfig(mgr)
	cfg.Servers = sv
	s := screen(loaded(t, cfg, 130, 30))
	for _, want := range []string{"org o ", "user u", "organization  org o (o)", "user          user u (u)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen does not show %q:\n%s", want, s)
		}
	}
}

// After R, the details no longer show Turnkey's verdict on the key pair
// the refresh replaced; c asks about the new one.
func TestRefreshDropsTheOldVerdict(t *testing.T) {
	mgr, sv, _ := loggedInAt(t)
	m := loaded(t, Config{Sessions: mgr, KeyStore: "file", Clock: time.Now, Servers: sv}, 100, 30)
	m, cmd := press(t, m, "c")
	tm, _ := m.Update(cmd())
	m = tm.(Model)
	if !strings.Contains(screen(m), "turnkey       valid (") {
		t.Fatalf("setup: no verdict:\n%s", screen(m))
	}
	m, cmd = press(t, m, "R")
	m = runAction(t, m, cmd)
	if !strings.HasPrefix(m.status, "Refreshed later") {
		t.Fatalf("setup: R: %q", m.status)
	}
	if s := screen(m); strings.Contains(s, "valid (") || !strings.Contains(s, "not checked; c asks Turnkey") {
		t.Errorf("after R, the old key pair's verdict:\n%s", s)
	}
}
