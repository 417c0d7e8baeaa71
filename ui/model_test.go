package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func TestListKeysMove(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	rows := []string{session.DefaultKey, "acme/admin", "acme/viewer", "globex/ci", "globex/ops", "initech/dev"}
	for _, tt := range []struct {
		keys []string
		want string
	}{
		{nil, rows[1]}, // the active session
		{[]string{"home"}, rows[0]},
		{[]string{"g"}, rows[0]},
		{[]string{"j"}, rows[2]},
		{[]string{"down", "down"}, rows[3]},
		{[]string{"j", "j", "k"}, rows[2]},
		{[]string{"up"}, rows[0]},
		{[]string{"up", "up"}, rows[0]},
		{[]string{"end"}, rows[5]},
		{[]string{"G"}, rows[5]},
		{[]string{"end", "j"}, rows[5]},
		{[]string{"end", "home"}, rows[0]},
		{[]string{"pgdown"}, rows[5]},
		{[]string{"pgdown", "pgup"}, rows[0]},
	} {
		got, _ := press(t, m, tt.keys...)
		if got.table.selected != tt.want {
			t.Errorf("%v: selected %q, want %q", tt.keys, got.table.selected, tt.want)
		}
	}
}

func TestListKeysAct(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)

	got, _ := press(t, m, "d")
	if got.focus != focusDialog || got.dialog.Title != "Log out acme/admin?" {
		t.Errorf("d: mode %d, dialog %q", got.focus, got.dialog.Title)
	}
	want := []string{"It is the active session", "Deletes key pair"}
	for _, w := range want {
		if !strings.Contains(strings.Join(got.dialog.Lines, "\n"), w) {
			t.Errorf("d on the active session: dialog %q lacks %q", got.dialog.Lines, w)
		}
	}
	if got, _ := press(t, m, "home", "delete"); got.dialog.Title != "Log out "+session.DefaultKey+"?" ||
		!strings.Contains(strings.Join(got.dialog.Lines, "\n"), "Key pair kept: used by initech/dev") {
		t.Errorf("delete on a shared key pair: %q %q", got.dialog.Title, got.dialog.Lines)
	}
	if got, _ := press(t, m, "L"); got.dialog.Title != "Log out acme/admin?" {
		t.Errorf("L: dialog %q, want the active session's", got.dialog.Title)
	}
	if got, _ := press(t, m, "D"); got.focus != focusDialog || got.dialog.word != "yes" || !strings.Contains(got.dialog.Title, "all 6 sessions") {
		t.Errorf("D: mode %d, dialog %+v", got.focus, got.dialog)
	}
	if got, _ := press(t, m, "p"); got.focus != focusTable || !strings.Contains(got.status, "No unused key pairs") {
		t.Errorf("p with nothing to prune: mode %d, status %q", got.focus, got.status)
	}
	if got, cmd := press(t, m, "home", "enter"); got.busy != "Switching to "+session.DefaultKey || cmd == nil {
		t.Errorf("enter: busy %q", got.busy)
	}
	if got, cmd := press(t, m, "r"); cmd == nil || got.status != "Reloaded." {
		t.Errorf("r: status %q", got.status)
	}
	if got, _ := press(t, m, "/"); got.focus != focusFilter {
		t.Errorf("/: mode %d", got.focus)
	}
	if got, _ := press(t, m, "?"); got.focus != focusHelp || !strings.Contains(screen(got), "log out expired") {
		t.Errorf("?: mode %d, help not shown:\n%s", got.focus, screen(got))
	}
	if got, _ := press(t, m, "?", "?"); got.focus != focusTable {
		t.Error("? does not close the help")
	}
	if got, _ := press(t, m, "t"); got.focus != focusToken || !strings.Contains(screen(got), "eyJ") {
		t.Error("t: token not shown")
	}
	if got, _ := press(t, m, "t", "esc"); got.focus != focusTable || strings.Contains(screen(got), "eyJ") {
		t.Error("esc keeps the token shown")
	}
	if _, cmd := press(t, m, "q"); !isQuit(cmd) {
		t.Error("q does not quit")
	}
	if _, cmd := press(t, m, "ctrl+c"); !isQuit(cmd) {
		t.Error("ctrl+c does not quit")
	}
}

func TestLogoutActiveWithNoneActive(t *testing.T) {
	mgr, _ := demoManager(t)
	if _, err := mgr.Logout(context.Background(), fixture.DemoActive); err != nil {
		t.Fatal(err)
	}
	m := loaded(t, testConfig(mgr), 100, 30)
	got, _ := press(t, m, "L")
	if got.focus != focusTable || !strings.Contains(got.status, "No active session") || got.kind != statusErr {
		t.Errorf("L with none active: mode %d, status %q", got.focus, got.status)
	}
}

func TestConfirmDialogKeys(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	for _, k := range []string{"n", "esc"} {
		got, _ := press(t, m, "d", k)
		if got.focus != focusTable || !strings.Contains(got.status, "nothing was changed") {
			t.Errorf("%s: mode %d, status %q", k, got.focus, got.status)
		}
	}
	// Keys that mean something in the list do nothing in a dialog.
	if got, _ := press(t, m, "d", "j", "q", "D"); got.focus != focusDialog || got.table.selected != "acme/admin" {
		t.Errorf("list keys leaked through the dialog: mode %d, selected %q", got.focus, got.table.selected)
	}

	got, cmd := press(t, m, "d", "y")
	if got.focus != focusTable || got.busy != "Logging out acme/admin" || cmd == nil {
		t.Fatalf("y: mode %d, busy %q", got.focus, got.busy)
	}
	// One action at a time.
	if again, _ := press(t, got, "d"); again.focus != focusTable || !strings.HasPrefix(again.status, "Wait: ") {
		t.Errorf("d while busy: mode %d, status %q", again.focus, again.status)
	}
	got = finish(t, got)
	if got.busy != "" || got.status != "Logged out acme/admin; 1 key pair deleted; no session is active now." {
		t.Errorf("after logout: busy %q, status %q", got.busy, got.status)
	}
	if len(got.table.rows) != 5 || got.state.Active != "" {
		t.Errorf("view not reloaded from the store: %d rows, active %q", len(got.table.rows), got.state.Active)
	}
	if _, err := mgr.Get(context.Background(), "acme/admin"); err == nil {
		t.Error("acme/admin still stored")
	}
}

func TestTypedConfirmation(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	got, cmd := press(t, m, "D", "y", "e", "enter")
	if got.focus != focusDialog || cmd != nil || !strings.Contains(got.status, "Type yes exactly") {
		t.Errorf("wrong word: mode %d, status %q", got.focus, got.status)
	}
	if got, _ := press(t, m, "D", "esc"); got.focus != focusTable {
		t.Errorf("esc: mode %d", got.focus)
	}
	got, _ = press(t, m, "D", "y", "e", "s", "enter")
	if got.focus != focusTable || got.busy == "" {
		t.Fatalf("yes: mode %d, busy %q", got.focus, got.busy)
	}
	got = finish(t, got)
	if len(got.table.rows) != 0 || got.status != "Logged out 6 sessions; 5 key pairs deleted; no session is active now." {
		t.Errorf("after log out all: %d rows, status %q", len(got.table.rows), got.status)
	}
	if s := screen(got); !strings.Contains(s, "No sessions yet.") || !strings.Contains(s, "tkauth login --org") || !strings.Contains(s, "tkauth demo") {
		t.Errorf("empty state not shown:\n%s", s)
	}
	// In the demo, the empty state does not offer the demo.
	got.cfg.Demo = true
	got.relayout()
	if s := screen(got); !strings.Contains(s, "This is the demo's store") || strings.Contains(s, "on sample data") {
		t.Errorf("the demo's empty state:\n%s", s)
	}
}

// D logs out the sessions its dialog named, not whatever is stored when
// the user confirms: a session another terminal adds meanwhile stays.
func TestLogoutAllIsWhatTheDialogShowed(t *testing.T) {
	ctx := context.Background()
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m, _ = press(t, m, "D")
	if m.dialog.Title != "Log out all 6 sessions?" {
		t.Fatalf("dialog %q", m.dialog.Title)
	}
	pub, err := mgr.CreateKeyPair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	notarizer, _, _ := session.NewPrivateKey()
	tok, err := session.NewToken(session.Claims{Expiry: t0.Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mgr.StoreSession(ctx, tok, "newcomer"); err != nil {
		t.Fatal(err)
	}
	got, _ := press(t, m, "y", "e", "s", "enter")
	got = finish(t, got)
	if got.status != "Logged out 6 sessions; 5 key pairs deleted." {
		t.Errorf("status %q", got.status)
	}
	if len(got.table.rows) != 1 || got.table.rows[0].Key != "newcomer" || got.state.Active != "newcomer" {
		t.Errorf("after log out all: %d rows, active %q; want only newcomer, still active", len(got.table.rows), got.state.Active)
	}
}

func TestFilterKeys(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	got, _ := press(t, m, "/", "g", "l", "o")
	if got.focus != focusFilter || len(got.table.rows) != 2 || got.table.rows[0].Key != "globex/ci" {
		t.Fatalf("filter glo: mode %d, %d rows", got.focus, len(got.table.rows))
	}
	// Typing q or d filters; it does not quit or log out.
	if q, cmd := press(t, got, "q"); isQuit(cmd) || q.focus != focusFilter || len(q.table.rows) != 0 {
		t.Errorf("q in the filter: mode %d, %d rows", q.focus, len(q.table.rows))
	}
	if m2, _ := press(t, got, "down"); m2.table.selected != "globex/ops" {
		t.Errorf("down in the filter: selected %q", m2.table.selected)
	}
	kept, _ := press(t, got, "enter")
	if kept.focus != focusTable || len(kept.table.rows) != 2 || !strings.Contains(screen(kept), "filter: glo · 2 of 6 (esc clears)") {
		t.Errorf("enter: mode %d, %d rows", kept.focus, len(kept.table.rows))
	}
	if cleared, _ := press(t, kept, "esc"); len(cleared.table.rows) != 6 {
		t.Errorf("esc in the list clears the filter: %d rows", len(cleared.table.rows))
	}
	if cleared, _ := press(t, got, "esc"); cleared.focus != focusTable || len(cleared.table.rows) != 6 {
		t.Errorf("esc in the filter: mode %d, %d rows", cleared.focus, len(cleared.table.rows))
	}
	// By organization and user ID too.
	if byOrg, _ := press(t, m, "/", "8", "e", "2", "d"); len(byOrg.table.rows) != 2 {
		t.Errorf("filter by organization: %d rows", len(byOrg.table.rows))
	}
	if none, _ := press(t, m, "/", "z", "z"); !strings.Contains(screen(none), "No session matches zz") {
		t.Errorf("no match:\n%s", screen(none))
	}
	if cleared, cmd := press(t, got, "ctrl+c"); isQuit(cmd) || cleared.focus != focusTable || len(cleared.table.rows) != 6 {
		t.Errorf("ctrl+c in the filter: quit %v, mode %d, %d rows", isQuit(cmd), cleared.focus, len(cleared.table.rows))
	}
}

func TestCountdownAndExpiry(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	if !strings.Contains(screen(m), "expires in 2m30s") {
		t.Fatalf("globex/ops countdown missing:\n%s", screen(m))
	}
	var tm tea.Model = m
	tm, cmd := tm.Update(tickMsg(t0.Add(100 * time.Second)))
	if cmd == nil {
		t.Error("the tick does not schedule the next one")
	}
	s := screen(tm.(Model))
	if !strings.Contains(s, "expires in 50s") || !strings.Contains(s, "expired 5m40s ago") {
		t.Errorf("after 100 s:\n%s", s)
	}
	tm, _ = tm.Update(tickMsg(t0.Add(151 * time.Second)))
	if !strings.Contains(screen(tm.(Model)), "2 expired") {
		t.Errorf("header does not count the newly expired session:\n%s", screen(tm.(Model)))
	}
}

func TestActionFailureKeepsSession(t *testing.T) {
	dir := t.TempDir()
	keys := &failingKeys{FileKeys: store.NewFileKeys(dir)}
	mgr := session.NewManager(store.NewFile(dir), keys).WithClock(clock)
	if err := fixture.SeedDemo(context.Background(), mgr); err != nil {
		t.Fatal(err)
	}
	keys.fail = store.ErrKeyringTimeout
	m := loaded(t, testConfig(mgr), 100, 30)
	got, _ := press(t, m, "d", "y")
	got = finish(t, got)
	if got.kind != statusErr || !strings.Contains(got.status, `Logout failed: session "acme/admin" was not logged out`) || !strings.Contains(got.status, "did not answer in time") {
		t.Errorf("status %q", got.status)
	}
	if len(got.table.rows) != 6 || got.state.Active != "acme/admin" {
		t.Errorf("after a failed logout: %d rows, active %q", len(got.table.rows), got.state.Active)
	}
}

type failingKeys struct {
	*store.FileKeys
	fail error
}

func (k *failingKeys) Delete(ctx context.Context, pub string) error {
	if k.fail != nil {
		return k.fail
	}
	return k.FileKeys.Delete(ctx, pub)
}

func TestTooSmall(t *testing.T) {
	mgr, _ := demoManager(t)
	for _, size := range [][2]int{{49, 30}, {100, 11}, {10, 3}} {
		s := screen(loaded(t, testConfig(mgr), size[0], size[1]))
		if !strings.Contains(s, "needs at least 50x12") {
			t.Errorf("%dx%d:\n%s", size[0], size[1], s)
		}
	}
	// At the minimum everything fits the width, and the rows still show.
	s := screen(loaded(t, testConfig(mgr), 50, 12))
	for _, line := range strings.Split(s, "\n") {
		if w := ansi.StringWidth(line); w > 50 {
			t.Errorf("line wider than 50 (%d): %q", w, line)
		}
	}
	if !strings.Contains(s, "acme/admin") || strings.Count(s, "\n") != 11 {
		t.Errorf("50x12:\n%s", s)
	}
}

func TestHostileClaimsAreEscaped(t *testing.T) {
	dir := t.TempDir()
	mgr := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir)).WithClock(clock)
	notarizer, _, _ := session.NewPrivateKey()
	pub, _ := mgr.CreateKeyPair(context.Background())
	tok, err := session.NewToken(session.Claims{Expiry: t0.Add(time.Hour), PublicKey: pub, Type: session.ReadOnly,
		UserID: "evil\x1b]0;pwned\x07", OrganizationID: "org\u202eexe.txt"}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.ParseWithNotarizer(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	// tkauth refuses such a key; a store written by hand or by an older
	// tkauth may hold one all the same.
	err = store.NewFile(dir).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		s.Key = "key\x1b[31mred"
		st.Sessions[s.Key], st.Active = &s, s.Key
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	m := loaded(t, testConfig(mgr), 120, 30)
	token, _ := press(t, m, "t")
	dialog, _ := press(t, m, "d")
	for _, screen := range []Model{m, token, dialog} {
		raw := screen.View().Content
		for _, bad := range []string{"\x1b]0;", "\x07", "\u202e", "\x1b[31mred"} {
			if strings.Contains(raw, bad) {
				t.Errorf("screen passes %q to the terminal", bad)
			}
		}
	}
	if s := screen(m); !strings.Contains(s, `key\x1b[31mred`) || !strings.Contains(s, `org\u202eexe.txt`) {
		t.Errorf("escaped claims not shown:\n%s", s)
	}
}

func emptyManager(dir string) *session.Manager {
	return session.NewManager(store.NewFile(dir), store.NewFileKeys(dir)).WithClock(clock)
}

// t shows the whole token, however long, wrapped; y then a letter copies
// a field with OSC 52 and says what it copied, never the value.
func TestTokenViewAndCopy(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 80, 60)
	s := m.state.Sessions[m.state.Active]
	got, _ := press(t, m, "t")
	if flat := strings.ReplaceAll(strings.ReplaceAll(screen(got), "\n", ""), " ", ""); !strings.Contains(flat, s.Token) {
		t.Errorf("the token view does not show the whole token:\n%s", screen(got))
	}
	// The lines a person selects there, wrapped and indented, paste back
	// as the token (session.Pasted, which add reads with).
	var selected []string
	for _, l := range strings.Split(screen(got), "\n") {
		if strings.HasPrefix(l, "  ") && len(strings.Fields(l)) == 1 { // the token's pieces

			selected = append(selected, l)
		}
	}
	if pasted, err := session.Pasted(strings.Join(selected, "\n")); err != nil || pasted != s.Token {
		t.Errorf("the token view's lines paste as %.30q, %v; want the token", pasted, err)
	}
	for _, tt := range []struct{ keys, what, value string }{
		{"t", "token", s.Token}, {"k", "public key", s.PublicKey}, {"u", "user ID", s.UserID}, {"o", "organization ID", s.OrganizationID},
	} {
		for _, from := range []Model{m, got} {
			m2, cmd := press(t, from, "y", tt.keys)
			if cmd == nil || !strings.Contains(m2.status, "Copied the "+tt.what+" of acme/admin") || strings.Contains(m2.status, tt.value) {
				t.Errorf("y %s: status %q", tt.keys, m2.status)
				continue
			}
			if msg := fmt.Sprint(cmd()); !strings.Contains(msg, tt.value) {
				t.Errorf("y %s copies %q", tt.keys, msg)
			}
		}
	}
	if m2, cmd := press(t, m, "y", "esc"); cmd != nil || m2.status != "Nothing copied." || m2.focus != focusTable {
		t.Errorf("y esc: %q", m2.status)
	}
}
