package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// codeLoginAt is an empty store and a Login through a stand-in's Auth
// Proxy, configuration "cfg", whose sandbox address logs in as ada.
func codeLoginAt(t *testing.T) (*session.Manager, *Login) {
	t.Helper()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	srv.AddSubOrg("o", "sub", "ada", turnkeytest.SandboxEmail, "")
	srv.Name("sub", "Ada's wallet", "ada", "ada")
	srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o"})
	dir := t.TempDir()
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir)).WithTestSigner(&srv.Notarizer.PublicKey)
	anchors := turnkey.Anchors{Enclave: &srv.Notarizer.PublicKey, Notarizer: &srv.Notarizer.PublicKey, Test: true}
	return m, &Login{
		AuthProxy: "cfg",
		SendCode: func(ctx context.Context, by CodeChannel, contact, proxy string) (CodeSent, error) {
			l := &turnkey.CodeLogin{API: srv.Client(), Anchors: anchors, Type: []string{turnkey.OTPEmail, turnkey.OTPSMS, turnkey.OTPWhatsApp}[by], Contact: contact, Proxy: turnkey.NewAuthProxy(srv.URL, proxy)}
			sent, err := l.Start(ctx)
			if err != nil {
				return CodeSent{}, err
			}
			return CodeSent{To: contact, Length: sent.CodeLength, Expires: sent.Expires, Check: sent.CheckCode,
				Finish: func(ctx context.Context, code string) (session.StoreResult, error) {
					return m.Login(ctx, l.WithCode(sent, code), session.LoginOptions{Expires: 15 * time.Minute})
				},
				Spent: func(err error) bool { return errors.Is(err, turnkey.ErrCodeSpent) },
				Wrong: func(err error) bool { return errors.Is(err, turnkey.ErrWrongCode) },
				Tries: turnkey.CodeTries,
			}, nil
		},
	}
}

// loginModel is the TUI over codeLoginAt's store and Login, loaded.
func loginModel(t *testing.T) (*session.Manager, Model) {
	t.Helper()
	m, login := codeLoginAt(t)
	cfg := testConfig(m)
	cfg.Clock, cfg.Login = time.Now, login
	return m, loaded(t, cfg, 100, 30)
}

// typeText types s, a key a character.
func typeText(t *testing.T, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m, _ = press(t, m, string(r))
	}
	return m
}

// outcome runs the network step a key started and feeds its message back.
func outcome(t *testing.T, m Model, cmd tea.Cmd) (Model, tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("nothing started")
	}
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) == 0 {
		t.Fatal("no step started")
	}
	tm, next := m.Update(batch[0]())
	return tm.(Model), next
}

// l opens a form that sends a code, reads it, says a wrong one in words
// and keeps the store as it was, then logs in: the new session is active
// and selected.
func TestLoginByCodeInTheTUI(t *testing.T) {
	m, tm := loginModel(t)

	tm, _ = press(t, tm, "l")
	if s := screen(tm); !strings.Contains(s, "Log in") || !strings.Contains(s, "Email address") || !strings.Contains(s, "cfg") {
		t.Fatalf("no form:\n%s", s)
	}
	tm, _ = press(t, tm, "right") // the form starts on the method: SMS
	if s := screen(tm); !strings.Contains(s, "SMS code") || !strings.Contains(s, "Phone number") {
		t.Errorf("another method:\n%s", s)
	}
	tm, _ = press(t, tm, "left", "down")
	tm, _ = press(t, tm, "enter")
	if s := screen(tm); tm.busy != "" || !strings.Contains(s, "Email address is empty.") {
		t.Errorf("an empty address:\n%s", s)
	}

	tm = typeText(t, tm, turnkeytest.SandboxEmail)
	tm, cmd := press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	if s := screen(tm); !strings.Contains(s, "Turnkey sent a 6-character code to "+turnkeytest.SandboxEmail) {
		t.Fatalf("no code asked for:\n%s", s)
	}

	tm = typeText(t, tm, "12345")
	tm, cmd = press(t, tm, "enter")
	if s := screen(tm); cmd != nil || !strings.Contains(s, "the code has 5 characters") {
		t.Errorf("a short code:\n%s", s)
	}
	tm = typeText(t, tm, "6")
	tm, cmd = press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	st, _ := m.State(context.Background())
	if s := screen(tm); !strings.Contains(s, "That is not the code Turnkey sent: 2 tries left") || !strings.Contains(s, "Code:") || len(st.Sessions) != 0 {
		t.Errorf("a wrong code, %d sessions:\n%s", len(st.Sessions), s)
	}

	tm = typeText(t, tm, turnkeytest.SandboxCode) // over nothing: the wrong one is gone
	tm, cmd = press(t, tm, "enter")
	tm, load := outcome(t, tm, cmd)
	tm = follow(t, tm, load)
	st, _ = m.State(context.Background())
	s := st.Sessions[st.Active]
	if s == nil || s.OrganizationID != "sub" || !s.TestSigned {
		t.Fatalf("stored %+v", s)
	}
	if out := screen(tm); !strings.Contains(out, "Logged in to organization Ada's wallet") || tm.table.current().Key != s.Key || tm.focus != focusTable {
		t.Errorf("after the login:\n%s", out)
	}
}

// A refused code is cleared, for the next to be typed, and the tries
// left are said; the last try's refusal gets a new code at once, which
// logs in. Nothing says "type it again" when no try is left, nor "took
// all its tries" for a code typed after.
func TestLoginCodeTries(t *testing.T) {
	m, tm := loginModel(t)
	tm, _ = press(t, tm, "l")
	tm = typeText(t, tm, turnkeytest.SandboxEmail)
	tm, cmd := press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	for _, left := range []string{"2 tries left", "1 try left"} {
		tm = typeText(t, tm, "111111")
		tm, cmd = press(t, tm, "enter")
		tm, _ = outcome(t, tm, cmd)
		if s := screen(tm); tm.login.code.Value() != "" || tm.login.sent == nil || !strings.Contains(s, "That is not the code Turnkey sent: "+left+"; type the code again.") {
			t.Fatalf("a wrong code, %s: field %q:\n%s", left, tm.login.code.Value(), s)
		}
	}
	tm = typeText(t, tm, "111111")
	tm, cmd = press(t, tm, "enter")
	tm, cmd = outcome(t, tm, cmd)
	if s := screen(tm); tm.busy == "" || !strings.Contains(s, "That was the code's last try (of 3): a new code is needed") || strings.Contains(s, "again") {
		t.Fatalf("the last try:\n%s", s)
	}
	tm, _ = outcome(t, tm, cmd)
	if s := screen(tm); tm.login.sent == nil || !strings.Contains(s, "Turnkey sent a 6-character code to "+turnkeytest.SandboxEmail) || !strings.Contains(s, "last try") {
		t.Fatalf("no new code:\n%s", s)
	}
	tm = typeText(t, tm, turnkeytest.SandboxCode)
	tm, cmd = press(t, tm, "enter")
	tm, load := outcome(t, tm, cmd)
	tm = follow(t, tm, load)
	if st, _ := m.State(context.Background()); len(st.Sessions) != 1 || tm.focus != focusTable || !strings.Contains(screen(tm), "Logged in to organization Ada's wallet") {
		t.Fatalf("the new code did not log in: %v\n%s", st.Keys(), screen(tm))
	}
}

// A code Turnkey takes no more (here: expired) gets a new one at once;
// esc then cancels with nothing stored.
func TestLoginFormAfterAnExpiredCode(t *testing.T) {
	_, tm := loginModel(t)
	tm, _ = press(t, tm, "l")
	tm = typeText(t, tm, turnkeytest.SandboxEmail)
	tm, cmd := press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	tm.login.sent.Expires = time.Now().Add(-time.Second)
	tm, cmd = tm.routeTo(focusLogin, loggedInMsg{err: fmt.Errorf("login failed: %w", turnkey.ErrCodeSpent)})
	if s := screen(tm); tm.login.sent != nil || !strings.Contains(s, "That code has expired: a new code is needed") {
		t.Fatalf("an expired code:\n%s", s)
	}
	if tm, _ = outcome(t, tm, cmd); tm.login.sent == nil {
		t.Fatalf("no new code: %s", tm.login.err)
	}
	tm, _ = press(t, tm, "esc")
	if s := screen(tm); tm.focus != focusTable || !strings.Contains(s, "Cancelled; nothing was stored (the code sent expires unused).") {
		t.Errorf("esc:\n%s", s)
	}
}

// The form starts on the method, which its hint's ←/→ change; on the
// address the hint says what works there; typed on the method, text goes
// to the address.
func TestLoginFormStartsWhereItsHintSays(t *testing.T) {
	_, tm := loginModel(t)
	tm, _ = press(t, tm, "l")
	if s := screen(tm); tm.login.field != 0 || !strings.Contains(s, "‹ email code ›") || !strings.Contains(s, "←/→: method") {
		t.Errorf("l: on field %d:\n%s", tm.login.field, s)
	}
	tm = typeText(t, tm, "ada@x")
	if s := screen(tm); tm.login.field != 1 || tm.login.value(0) != "ada@x" || strings.Contains(s, "←/→: method") || !strings.Contains(s, "shift+tab: previous") {
		t.Errorf("typed on the method: field %d, address %q:\n%s", tm.login.field, tm.login.value(0), s)
	}
}

// Without a Login (the demo without --api), l says why it does nothing.
func TestLoginNeedsTheAPI(t *testing.T) {
	m, _ := demoManager(t)
	tm, _ := press(t, loaded(t, testConfig(m), 100, 30), "l")
	if s := screen(tm); tm.focus != focusTable || !strings.Contains(s, "Logging in needs Turnkey's API") {
		t.Errorf("%s", s)
	}
}

// follow runs a reload and the presence check after it.
func follow(t *testing.T, m Model, load tea.Cmd) Model {
	t.Helper()
	if load == nil {
		t.Fatal("no reload")
	}
	tm, presence := m.Update(load())
	if presence != nil {
		tm, _ = tm.Update(presence())
	}
	return tm.(Model)
}

// A test-signed session's TOKEN cell is whole wherever there is room for
// it: at 100 and 120 columns.
func TestTokenColumnFitsTestSigned(t *testing.T) {
	_, tm := loginModel(t)
	tm, _ = press(t, tm, "l")
	tm = typeText(t, tm, turnkeytest.SandboxEmail)
	tm, cmd := press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	tm = typeText(t, tm, turnkeytest.SandboxCode)
	tm, cmd = press(t, tm, "enter")
	tm, load := outcome(t, tm, cmd)
	tm = follow(t, tm, load)
	for _, w := range []int{100, 120} {
		m, _ := tm.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		if s := screen(m.(Model)); !strings.Contains(s, "test-signed ") || strings.Contains(s, "test-sign…") {
			t.Errorf("at %d columns:\n%s", w, s)
		}
	}
}
