package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// runAway runs the action cmd started (the first of its batch) on its own
// goroutine, as the program does: its message arrives on the channel.
func runAway(t *testing.T, cmd tea.Cmd) <-chan tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("nothing started")
	}
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) == 0 {
		t.Fatal("no step started")
	}
	out := make(chan tea.Msg, 1)
	go func() { out <- batch[0]() }()
	return out
}

// await is the action's message, or a failure if it never ends.
func await(t *testing.T, ch <-chan tea.Msg) tea.Msg {
	t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("the action was not cancelled")
		return nil
	}
}

// Esc, or ctrl+c, cancels a social login that waits for the browser:
// while it waits, the help offers only that, other keys are told to
// wait, and its end says it was cancelled and that nothing was stored.
func TestCancelSocialLogin(t *testing.T) {
	for _, k := range []string{"esc", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			m, login := codeLoginAt(t)
			login.Social = &SocialLogin{
				Wait:      5 * time.Minute,
				Providers: func(context.Context, string) ([]string, error) { return []string{"google"}, nil },
				LogIn: func(ctx context.Context, _, _ string) (session.StoreResult, error) {
					<-ctx.Done()
					return session.StoreResult{}, ctx.Err()
				},
			}
			cfg := testConfig(m)
			cfg.Clock, cfg.Login = time.Now, login
			tm := loaded(t, cfg, 100, 30)
			tm, cmd := press(t, tm, "l", "right", "right", "right")
			tm = drain(t, tm, cmd)
			tm, cmd = press(t, tm, "enter")
			done := runAway(t, cmd)
			s := screen(tm)
			if !strings.Contains(s, "esc cancel") || strings.Contains(s, "next field") || strings.Contains(s, "enter log in") {
				t.Errorf("the help while it waits:\n%s", s)
			}
			tm, _ = press(t, tm, "x")
			if s := screen(tm); !strings.Contains(s, "Wait: Logging in with google") {
				t.Errorf("a key while it waits:\n%s", s)
			}
			tm, _ = press(t, tm, k)
			if s := screen(tm); !strings.Contains(s, "Cancelling: Logging in with google") || tm.focus == focusDialog {
				t.Fatalf("%s while it waits:\n%s", k, s)
			}
			var next tea.Model
			next, _ = tm.Update(await(t, done))
			tm = next.(Model)
			s = screen(tm)
			if !strings.Contains(s, "Cancelled: Logging in with google") || !strings.Contains(s, "nothing was stored") || strings.Contains(s, "Wait:") || tm.busy != "" {
				t.Errorf("its end:\n%s", s)
			}
		})
	}
}

// stuckRefresh is a store whose refresh waits, as one that waits for an
// MFA factor given elsewhere does, until it is cancelled.
type stuckRefresh struct{ *session.Manager }

func (stuckRefresh) Refresh(ctx context.Context, _ session.Servers, _ string, _ time.Duration, _ session.Signer) (session.RefreshResult, error) {
	<-ctx.Done()
	return session.RefreshResult{}, ctx.Err()
}

// Esc cancels a refresh under way on the table; while it runs, the help
// offers esc to cancel, and not the actions that must wait for its end.
func TestCancelRefresh(t *testing.T) {
	m, sv := loggedIn(t)
	cfg := testConfig(m)
	cfg.Sessions, cfg.Servers, cfg.Clock = stuckRefresh{m}, sv, time.Now
	tm := loaded(t, cfg, 120, 30)
	tm, cmd := press(t, tm, "R")
	done := runAway(t, cmd)
	help := strings.Join(strings.Fields(screen(tm)), " ")
	if !strings.Contains(help, "esc cancel") || strings.Contains(help, "log out") || strings.Contains(help, "R refresh") {
		t.Errorf("the help while it refreshes:\n%s", screen(tm))
	}
	tm, _ = press(t, tm, "d")
	if s := screen(tm); !strings.Contains(s, "Wait: Refreshing") {
		t.Errorf("d while it refreshes:\n%s", s)
	}
	tm, _ = press(t, tm, "esc")
	next, _ := tm.Update(await(t, done))
	tm = next.(Model)
	if s := screen(tm); !strings.Contains(s, "Cancelled: Refreshing") || !strings.Contains(s, "nothing was stored") || tm.busy != "" {
		t.Errorf("its end:\n%s", s)
	}
}
