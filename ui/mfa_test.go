package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// A refresh that Turnkey holds for MFA says which factors and counts
// down in the status line until they are given; then it ends as usual.
func TestRefreshWaitsForMFAInTheTUI(t *testing.T) {
	m, _, srv := loggedInAt(t)
	waits := make(chan MFAWaiting, 1)
	c := srv.Client()
	c.MFAWait = MFAWait
	c.OnMFA = func(n turnkey.MFANeeded) func() {
		waits <- MFAWaiting{Factors: n.Factors, Until: n.Until}
		return nil
	}
	sv := &session.Servers{Dial: func(string) session.TurnkeyAPI { return c }, Default: c.BaseURL()}
	cfg := testConfig(m)
	cfg.Clock, cfg.Servers, cfg.MFA = time.Now, sv, waits
	tm := loaded(t, cfg, 120, 30)
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_PASSKEY")

	tm, cmd := press(t, tm, "R")
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatal("R started nothing")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- batch[0]() }()

	w := <-waits
	tm = feed(t, tm, w)
	tm = feed(t, tm, tickMsg(w.Until.Add(-75*time.Second)))
	if out := screen(tm); !strings.Contains(out, "Turnkey needs a passkey, given in another app or device: 1:15 left") {
		t.Fatalf("while it waits:\n%s", out)
	}
	for _, id := range srv.Waiting() {
		srv.SatisfyMFA(id)
	}
	tm = feed(t, tm, <-done)
	if !strings.HasPrefix(tm.status, "Refreshed later") || tm.busy != "" {
		t.Errorf("after: %q", tm.status)
	}
	if out := screen(tm); strings.Contains(out, "left") {
		t.Errorf("the countdown stayed:\n%s", out)
	}
}

// A refresh that needs an API key factor asks, in a dialog, whether to
// approve it with the key tkauth holds; y approves it, and the refresh
// completes without waiting for anything given elsewhere.
func TestRefreshOffersAFactorInTheTUI(t *testing.T) {
	m, _, srv := loggedInAt(t)
	key := srv.NewAPIKey("o", "u")
	waits := make(chan MFAWaiting, 1)
	c := srv.Client()
	c.MFAWait = MFAWait
	c.Approve = func(ctx context.Context, n turnkey.MFANeeded) ([]turnkey.Approver, error) {
		answer := make(chan bool, 1)
		waits <- MFAWaiting{Factors: n.Factors, Offer: []string{"your API key"}, Answer: answer}
		if <-answer {
			return []turnkey.Approver{turnkey.KeyApprover{Key: key, Name: "your API key"}}, nil
		}
		return nil, nil
	}
	sv := &session.Servers{Dial: func(string) session.TurnkeyAPI { return c }, Default: c.BaseURL()}
	cfg := testConfig(m)
	cfg.Clock, cfg.Servers, cfg.MFA = time.Now, sv, waits
	tm := loaded(t, cfg, 120, 30)
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_API_KEY")

	tm, cmd := press(t, tm, "R")
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatal("R started nothing")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- batch[0]() }()

	tm = feed(t, tm, <-waits)
	if out := screen(tm); tm.focus != focusDialog || !strings.Contains(out, "Approve the activity with what tkauth holds?") ||
		!strings.Contains(out, "Turnkey needs an API key") || !strings.Contains(out, "your API key") {
		t.Fatalf("no question:\n%s", out)
	}
	tm, cmd = press(t, tm, "y")
	if cmd == nil || tm.focus == focusDialog {
		t.Fatal("y neither answered nor closed the dialog")
	}
	runAll(cmd)
	tm = feed(t, tm, <-done)
	if !strings.HasPrefix(tm.status, "Refreshed later") || tm.busy != "" || len(srv.Waiting()) != 0 {
		t.Errorf("after: %q, waiting %v", tm.status, srv.Waiting())
	}
}

// runAll runs cmd and the commands it batches, for their effects.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}

// The factor dialog: esc in the field goes back to the choices, esc there
// leaves the step to be given elsewhere; the code dialog's esc gives up
// with no code; ctrl+c is esc there, never a quit.
func TestFactorDialogKeys(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 100, 30)
	m.busy = "Logging in"
	pick := make(chan MFAPick, 1)
	tm, _ := m.Update(MFAWaiting{Factors: []string{"an email code"}, Step: "an email code", Choices: []MFAChoice{{Label: "an email code", Needs: "Email address"}}, Pick: pick})
	m = tm.(Model)
	m, _ = press(t, m, "enter", "n", "esc")
	if m.focus != focusDialog || m.dialog.mfa.typing {
		t.Fatalf("esc in the field: focus %d, typing %v", m.focus, m.dialog.mfa.typing)
	}
	m, cmd := press(t, m, "ctrl+c")
	if _, quit := cmd().(tea.QuitMsg); quit || m.focus == focusDialog { // cmd() answers
		t.Fatalf("ctrl+c on the choices: quit %v, focus %d", quit, m.focus)
	}
	if got := <-pick; got.Index != -1 {
		t.Errorf("esc on the choices answered %+v", got)
	}
	typed := make(chan string, 1)
	tm, _ = m.Update(MFAWaiting{Factors: []string{"an email code"}, Code: &MFACode{To: "ada@example.com", Length: 6, Expires: t0.Add(5 * time.Minute)}, Typed: typed})
	m = tm.(Model)
	if s := screen(m); !strings.Contains(s, "Turnkey sent a 6-character code to ada@example.com") {
		t.Fatalf("the code dialog:\n%s", s)
	}
	m, _ = press(t, m, "1", "2")
	m, cmd = press(t, m, "esc")
	cmd()
	if got := <-typed; got != "" || m.focus == focusDialog {
		t.Errorf("esc in the code dialog: %q, focus %d", got, m.focus)
	}
}

// The MFA code dialog refuses a code of the wrong length by what it knows
// of the code sent, and stays open; the right length answers it.
func TestMFACodeDialogChecksTheLength(t *testing.T) {
	m, sv := loggedIn(t)
	cfg := testConfig(m)
	cfg.Clock, cfg.Servers = time.Now, sv
	tm := loaded(t, cfg, 120, 30)
	tm, _ = press(t, tm, "R") // an action under way, which the code is for
	typed := make(chan string, 1)
	tm = feed(t, tm, MFAWaiting{Factors: []string{"an SMS code"}, Code: &MFACode{To: "+1555", Length: 6, Expires: time.Now().Add(time.Minute)}, Typed: typed})
	tm = typeText(t, tm, "12")
	tm, cmd := press(t, tm, "enter")
	if s := screen(tm); tm.focus != focusDialog || !strings.Contains(s, "the code has 2 characters; the one sent has 6") {
		t.Fatalf("a short code:\n%s", s)
	}
	if cmd != nil {
		cmd()
	}
	select {
	case got := <-typed:
		t.Fatalf("answered %q", got)
	default:
	}
	tm = typeText(t, tm, "3456")
	_, cmd = press(t, tm, "enter")
	drainCmd(cmd)
	if got := <-typed; got != "123456" {
		t.Errorf("answered %q", got)
	}
}

// drainCmd runs cmd and what it batches, for their side effects.
func drainCmd(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if batch, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range batch {
			drainCmd(c)
		}
	}
}
