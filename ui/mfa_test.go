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
