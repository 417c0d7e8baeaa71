package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// A login in the TUI that replaces a live session of the same user says
// what came of the replaced key, as the command line does: ended on
// Turnkey, or live there until when, and why.
func TestLoginSaysWhatBecameOfTheReplacedKey(t *testing.T) {
	m, tm := loginModel(t)
	login := func() Model {
		t.Helper()
		tm, _ = press(t, tm, "l")
		tm = typeText(t, tm, turnkeytest.SandboxEmail)
		tm, cmd := press(t, tm, "enter")
		tm, _ = outcome(t, tm, cmd)
		tm = typeText(t, tm, turnkeytest.SandboxCode)
		tm, cmd = press(t, tm, "enter")
		tm, load := outcome(t, tm, cmd)
		return follow(t, tm, load)
	}
	tm = login()
	st, _ := m.State(context.Background())
	old := st.Sessions[st.Active].PublicKey
	tm = login()
	if s := flat(screen(tm)); !strings.Contains(s, "Ended on Turnkey the replaced session's key "+session.Short(old)+".") {
		t.Fatalf("the second login:\n%s", s)
	}

	// Where it could not be ended: live until when, and why, as a warning.
	st, _ = m.State(context.Background())
	res := session.StoreResult{Session: *st.Sessions[st.Active], OldKey: &session.EndedKey{
		PublicKey: "02" + strings.Repeat("ab", 32), Expiry: time.Now().Add(90 * time.Minute),
		Err: errors.New("it was logged in at another Turnkey API (\"https://elsewhere\")"),
	}}
	tm, _ = tm.loggedIn(loggedInMsg{res: res})
	if s := flat(screen(tm)); tm.kind != statusWarn || !strings.Contains(s, "The replaced session's key "+session.Short(res.OldKey.PublicKey)+" stays live on Turnkey until ") ||
		!strings.Contains(s, "(expires in 1h") || !strings.Contains(s, "another Turnkey API") {
		t.Errorf("a key left live (kind %d):\n%s", tm.kind, s)
	}
}

// flat is s with every run of white space one space: a sentence the
// status line wrapped reads whole.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
