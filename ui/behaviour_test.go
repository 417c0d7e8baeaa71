package ui

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// A message fades after statusFade, or at the next key, whichever comes
// first; the filter's indicator stays while the filter applies.
func TestStatusFadesAndFilterStays(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m, _ = press(t, m, "/", "a", "c", "m", "e", "enter", "p")
	if !strings.Contains(m.status, "No unused key pairs") || !strings.Contains(screen(m), "filter: acme · 2 of 6") {
		t.Fatalf("status %q:\n%s", m.status, screen(m))
	}
	var tm tea.Model = m
	tm, _ = tm.Update(tickMsg(t0.Add(statusFade - time.Second)))
	if tm.(Model).status == "" {
		t.Error("the message faded early")
	}
	tm, _ = tm.Update(tickMsg(t0.Add(statusFade)))
	if s := screen(tm.(Model)); tm.(Model).status != "" || strings.Contains(s, "No unused") || !strings.Contains(s, "filter: acme · 2 of 6") {
		t.Errorf("after %v: status %q:\n%s", statusFade, tm.(Model).status, s)
	}
	// An error in the status does not hide the filter either.
	m2, _ := press(t, m, "R")
	if s := screen(m2); !strings.Contains(s, "Refreshing needs Turnkey's API") || !strings.Contains(s, "filter: acme · 2 of 6") {
		t.Errorf("an error hides the filter:\n%s", s)
	}
	// An error stays until the next key: it does not fade.
	tm, _ = m2.Update(tickMsg(t0.Add(10 * statusFade)))
	if tm.(Model).status == "" {
		t.Error("an error faded")
	}
	if m3, _ := press(t, m2, "j"); m3.status != "" {
		t.Errorf("the next key keeps %q", m3.status)
	}
}

// Switching to a session that cannot be used says so, as a warning.
func TestSwitchWarnsOfAnUnusableSession(t *testing.T) {
	mgr, dir := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m, cmd := press(t, m, "home", "j", "j", "j", "enter") // globex/ci, expired
	if m.table.selected != "globex/ci" {
		t.Fatalf("selected %q", m.table.selected)
	}
	m = runAction(t, m, cmd)
	if m.kind != statusWarn || !strings.HasPrefix(m.status, "Active session: globex/ci, but it expired 4m00s ago: Turnkey refuses it") {
		t.Errorf("switch to an expired session: %d %q", m.kind, m.status)
	}
	if !strings.Contains(screen(m), "active: globex/ci (expired) · ") {
		t.Errorf("the header does not say the active session expired:\n%s", screen(m))
	}
	// A key pair deleted behind tkauth's back shows within presenceEvery,
	// without r, and switching to its session warns.
	viewer := m.state.Sessions["acme/viewer"]
	if err := os.Remove(filepath.Join(store.NewFileKeys(dir).Dir(), viewer.PublicKey+".private")); err != nil {
		t.Fatal(err)
	}
	var tm tea.Model = m
	tm, cmd = tm.Update(tickMsg(t0.Add(presenceEvery)))
	for _, msg := range cmd().(tea.BatchMsg) {
		if msg == nil {
			continue
		}
		if p, ok := msg().(presenceMsg); ok {
			tm, _ = tm.Update(p)
		}
	}
	m = tm.(Model)
	if m.presence[viewer.PublicKey] != session.Missing {
		t.Fatalf("a deleted key file is not noticed: %v", m.presence[viewer.PublicKey])
	}
	m, cmd = press(t, m, "home", "j", "j", "enter")
	m = runAction(t, m, cmd)
	if m.kind != statusWarn || !strings.Contains(m.status, "acme/viewer, but its key pair is missing") {
		t.Errorf("switch to a session without its key pair: %d %q", m.kind, m.status)
	}
	if !strings.Contains(screen(m), "active: acme/viewer (key pair missing) · ") {
		t.Errorf("the header does not say the key pair is missing:\n%s", screen(m))
	}
	// A usable one is plain news.
	m, cmd = press(t, m, "home", "enter")
	if m = runAction(t, m, cmd); m.kind != statusOK || m.status != "Active session: "+session.DefaultKey {
		t.Errorf("switch to a usable session: %d %q", m.kind, m.status)
	}
}

// X logs out every expired session and nothing else, after one
// confirmation that names them.
func TestLogoutExpired(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m, _ = press(t, m, "X")
	if m.focus != focusDialog || !strings.Contains(strings.Join(m.dialog.Lines, "\n"), "globex/ci (expired 4m00s ago)") {
		t.Fatalf("X: mode %d, %q %q", m.focus, m.dialog.Title, m.dialog.Lines)
	}
	if strings.Contains(strings.Join(m.dialog.Lines, "\n"), "not revoking") {
		t.Error("an expired token is dead at Turnkey already, yet the dialog offers to revoke it")
	}
	m, _ = press(t, m, "y")
	m = finish(t, m)
	if _, ok := m.state.Sessions["globex/ci"]; ok || len(m.state.Sessions) != 5 || m.expiredCount() != 0 {
		t.Errorf("after X y: %d sessions, %d expired; status %q", len(m.state.Sessions), m.expiredCount(), m.status)
	}
	if m2, _ := press(t, m, "X"); m2.focus != focusTable || m2.status != "No session has expired." {
		t.Errorf("X with none expired: mode %d, %q", m2.focus, m2.status)
	}
	// globex/ops expires on screen: the next tick, not the next key,
	// makes X mean it.
	tm, _ := m.Update(tickMsg(t0.Add(3 * time.Minute)))
	if m2, _ := press(t, tm.(Model), "X"); m2.focus != focusDialog || m2.dialog.Title != "Log out globex/ops?" {
		t.Errorf("X once globex/ops has expired on screen: focus %d, %q, status %q", m2.focus, m2.dialog.Title, m2.status)
	}
}

// The logout dialog says that the token lives on at Turnkey, and r
// revokes it there before logging out; a session sharing the key pair is
// named, and ends with it.
func TestDialogRevokes(t *testing.T) {
	mgr, sv, srv := loggedInAt(t)
	cfg := Config{Sessions: mgr, StorePath: filepath.Join(t.TempDir(), "sessions.json"), KeyStore: "file", Clock: time.Now, Servers: sv}
	m := loaded(t, cfg, 100, 30)
	later := m.state.Sessions["later"]
	m, _ = press(t, m, "d")
	text := strings.Join(m.dialog.Lines, "\n")
	if m.dialog.Title != "Log out later?" || !strings.Contains(text, "Logging out is not revoking: Turnkey accepts its token until it expires in") ||
		!strings.Contains(text, "r revokes it there first") || !strings.Contains(screen(m), "r: revoke on Turnkey, then log out") {
		t.Fatalf("dialog %q:\n%s", m.dialog.Title, screen(m))
	}
	m, cmd := press(t, m, "r")
	if m.busy == "" {
		t.Fatal("r started nothing")
	}
	m = runAction(t, m, cmd)
	if _, ok := m.state.Sessions["later"]; ok || srv.HasKey(later.PublicKey) || !strings.HasPrefix(m.status, "Revoked later's key on Turnkey ("+srv.URL+"): the token no longer works. Logged out later") {
		t.Errorf("after r: still stored %v, on Turnkey %v, status %q", ok, srv.HasKey(later.PublicKey), m.status)
	}
	if _, ok := m.state.Sessions["soon"]; !ok {
		t.Error("another session went too")
	}
}

// Clicking a row selects it; the wheel moves the cursor in the list and
// scrolls a dialog.
func TestMouse(t *testing.T) {
	m := loaded(t, testConfig(fortyManager(t)), 80, 24)
	var tm tea.Model = m
	tm, _ = tm.Update(tea.MouseClickMsg{X: 5, Y: len(m.headerLines()) + 1 + 3, Button: tea.MouseLeft})
	if got := tm.(Model); got.table.cursor != 3 || got.table.selected != got.table.rows[3].Key {
		t.Errorf("click on the fourth row: cursor %d", got.table.cursor)
	}
	tm, _ = tm.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	tm, _ = tm.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := tm.(Model); got.table.cursor != 5 {
		t.Errorf("two wheel steps down: cursor %d", got.table.cursor)
	}
	tm, _ = tm.Update(tea.MouseClickMsg{X: 5, Y: 0, Button: tea.MouseLeft}) // the header
	if got := tm.(Model); got.table.cursor != 5 {
		t.Errorf("a click on the header moved the cursor to %d", got.table.cursor)
	}
	got, _ := press(t, tm.(Model), "D")
	tm, _ = got.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := tm.(Model); got.dialog.scroll.off != 1 || !strings.Contains(screen(got), "Log out all 40 sessions?") {
		t.Errorf("the wheel in a dialog: offset %d", got.dialog.scroll.off)
	}
}

// In the filter, letters are typed: the help offers only the arrows.
func TestFilterHelpOffersArrows(t *testing.T) {
	mgr, _ := demoManager(t)
	m, _ := press(t, loaded(t, testConfig(mgr), 120, 30), "/")
	bar := ansi.Strip(m.helpBar())
	if strings.Contains(bar, "↑/k") || strings.Contains(bar, "↓/j") || !strings.Contains(bar, "↑ up") {
		t.Errorf("filter help: %q", bar)
	}
	if got, _ := press(t, m, "j"); got.filter.Value() != "j" {
		t.Errorf("j in the filter: %q", got.filter.Value())
	}
}

// The countdown's last minute and an unverified token do not share a
// colour, on dark or light backgrounds.
func TestSoonIsNotUnverified(t *testing.T) {
	for _, dark := range []bool{true, false} {
		st := newStyles(dark)
		if st.Soon.GetForeground() == st.Unverified.GetForeground() {
			t.Errorf("dark %v: soon and unverified share %v", dark, st.Soon.GetForeground())
		}
	}
}

// The store's error and the plain-files warning wrap at the narrowest
// size: nothing of them is cut.
func TestWarningsWrapWhole(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(store.NewFile(dir).Path(), []byte(`{"version": 1, "sessions": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	mgr := emptyManager(dir)
	cfg := testConfig(mgr)
	cfg.Note = "no Secret Service (no D-Bus session bus): private keys go to plain files in " + dir
	var tm tea.Model = New(cfg)
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: minWidth, Height: minHeight})
	tm, _ = tm.Update(loadCmd(cfg.Sessions, new(atomic.Uint64))())
	m := tm.(Model)
	if m.loadErr == nil {
		t.Fatal("the corrupt store loaded")
	}
	flat := strings.Join(strings.Fields(screen(m)), "")
	for _, want := range []string{cfg.Note, "Cannot read the store: " + m.loadErr.Error()} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("cut at %dx%d: %q\n%s", minWidth, minHeight, want, screen(m))
		}
	}
}

// With the key store chosen after the first frame, the sessions show
// first and the header says it is choosing; the choice, and why, follow.
func TestKeyStoreChosenAfterTheFirstFrame(t *testing.T) {
	mgr, _ := demoManager(t)
	cfg := testConfig(mgr)
	cfg.KeyStore = ""
	chosen := make(chan struct{})
	cfg.KeyStoreReady = func(ctx context.Context) (string, string) {
		<-chosen
		return "file", "no system keyring (frozen): private keys go to files"
	}
	tm := startTUI(t, cfg, 120, 30)
	waitFor(t, tm, "acme/admin", "key store: choosing…")
	close(chosen)
	waitFor(t, tm, "key store: file", "⚠ no system keyring (frozen)")
	finalScreen(t, tm)
}

// The confirm line repeats the question as an answer, session key as it is.
func TestConfirmLineKeepsTheKeysCase(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m.dialog, m.focus = newDialog(text.Question{Title: "Log out Acme/ADMIN?"}, nil, m.common), focusDialog
	m.relayout()
	if s := screen(m); !strings.Contains(s, "y: log out Acme/ADMIN · n or esc: cancel") {
		t.Errorf("confirm line:\n%s", s)
	}
}

// Typing on and erasing give the rows a fresh search gives: the matches
// kept per query only save work.
func TestFilterNarrowsAndWidensTruly(t *testing.T) {
	m := loaded(t, testConfig(fortyManager(t)), 120, 40)
	m, _ = press(t, m, "/")
	brute := func(q string) []string {
		var keys []string
		for _, s := range m.all {
			h := strings.ToLower(s.Key + "\n" + s.UserID + "\n" + s.OrganizationID)
			if strings.Contains(h, strings.ToLower(q)) {
				keys = append(keys, s.Key)
			}
		}
		return keys
	}
	for _, k := range []string{"0", "1", "/", "u", "backspace", "backspace", "2", "backspace", "backspace", "backspace", "9", "9"} {
		m, _ = press(t, m, k)
		var got []string
		for _, s := range m.table.rows {
			got = append(got, s.Key)
		}
		if want := brute(m.filter.Value()); !slices.Equal(got, want) {
			t.Fatalf("query %q: rows %v, want %v", m.filter.Value(), got, want)
		}
	}
}

// Every pane takes the styles of the terminal's background when it is
// known: a frame after the change is the frame of a TUI that had the new
// styles from the start.
func TestStyledCellsFollowTheBackground(t *testing.T) {
	mgr, _ := demoManager(t)
	light := tea.BackgroundColorMsg{Color: color.White}
	early := loaded(t, testConfig(mgr), 100, 30)
	_ = early.View() // renders the cells in the dark styles
	tm, _ := early.Update(light)
	var fresh tea.Model = New(testConfig(mgr))
	fresh, _ = fresh.Update(light)
	fresh, _ = fresh.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	fresh, cmd := fresh.Update(loadCmd(mgr, new(atomic.Uint64))())
	fresh, _ = fresh.Update(cmd()) // presence, as loaded has it
	if early.View().Content == fresh.(Model).View().Content {
		t.Fatal("the light background changes nothing in the frame: the test shows nothing")
	}
	if got, want := tm.(Model).View().Content, fresh.(Model).View().Content; got != want {
		t.Errorf("after the background changed, the frame is\n%q\nwant\n%q", got, want)
	}
}

// A load that started reading before the one shown, however late it ends,
// does not replace it: it would bring back a session logged out since.
func TestAnOlderLoadDoesNotReplaceANewerOne(t *testing.T) {
	mgr, _ := demoManager(t)
	cfg := testConfig(mgr)
	reads := new(atomic.Uint64)
	older := loadCmd(cfg.Sessions, reads)().(loadedMsg)
	st, _ := mgr.State(context.Background())
	if _, err := mgr.Logout(context.Background(), st.Active); err != nil {
		t.Fatal(err)
	}
	newer := loadCmd(cfg.Sessions, reads)().(loadedMsg)
	var tm tea.Model = New(cfg)
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	tm, _ = tm.Update(newer)
	tm, _ = tm.Update(older)
	if got := len(tm.(Model).state.Sessions); got != len(st.Sessions)-1 {
		t.Errorf("%d sessions shown, want %d: the older load replaced the newer", got, len(st.Sessions)-1)
	}
}

// Under TKAUTH_SESSION the header names this shell's session, and its row
// is marked: commands run there use it, not the active one.
func TestTheHeaderNamesThisShellsSession(t *testing.T) {
	mgr, _ := demoManager(t)
	cfg := testConfig(mgr)
	cfg.Shell = "globex/ops"
	s := screen(loaded(t, cfg, 100, 30))
	if !strings.Contains(s, "active: acme/admin · this shell: ◆ globex/ops · ") {
		t.Errorf("header:\n%s", s)
	}
	if !regexp.MustCompile(`(?m)^ ◆ globex/ops `).MatchString(s) || !regexp.MustCompile(`(?m)^›● acme/admin `).MatchString(s) || strings.Count(s, "◆") != 2 {
		t.Errorf("the rows do not mark this shell's session and the active one:\n%s", s)
	}
	cfg.Shell = "acme/admin" // the active one: its row is marked ●, and ◆ is nowhere
	if s := screen(loaded(t, cfg, 100, 30)); !strings.Contains(s, "this shell: acme/admin · ") || strings.Contains(s, "◆") {
		t.Errorf("this shell's session is the active one:\n%s", s)
	}
	if s := screen(loaded(t, testConfig(mgr), 100, 30)); strings.Contains(s, "this shell") {
		t.Errorf("without TKAUTH_SESSION:\n%s", s)
	}
}

// Rows that do not fit are not hidden without a word: a line says how
// many are above and below; and with a filter kept, the key bar keeps q.
func TestTheListSaysWhatIsHidden(t *testing.T) {
	m := loaded(t, testConfig(fortyManager(t)), 60, 20)
	s := screen(m)
	if !regexp.MustCompile(`↑ 0 above · ↓ \d+ below · 1–\d+ of 40`).MatchString(s) {
		t.Errorf("no line says where the hidden rows are:\n%s", s)
	}
	m, _ = press(t, m, "end")
	if s := screen(m); !regexp.MustCompile(`↑ \d+ above · ↓ 0 below · \d+–40 of 40`).MatchString(s) {
		t.Errorf("at the end:\n%s", s)
	}
	if lines := strings.Split(s, "\n"); len(lines) != 20 {
		t.Errorf("%d lines at a height of 20", len(lines))
	}
	m, _ = press(t, loaded(t, testConfig(fortyManager(t)), 80, 24), "/", "o", "r", "g", "enter")
	if s := screen(m); !strings.Contains(s, "q quit") || !strings.Contains(s, "filter: org") {
		t.Errorf("with a filter kept, the key bar lost q:\n%s", s)
	}
}
