package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// drain runs cmd and feeds what it answers back, batches included.
func drain(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = drain(t, m, c)
		}
	case nil:
	default:
		tm, next := m.Update(msg)
		m = tm.(Model)
		if _, ok := msg.(providersMsg); ok {
			m = drain(t, m, next)
		}
	}
	return m
}

// The form's social login offers the providers the Auth Proxy
// configuration enables, refuses another, and logs in with the one chosen.
func TestLoginFormSocial(t *testing.T) {
	m, login := codeLoginAt(t)
	var asked []string
	login.Social = &SocialLogin{
		Wait: time.Minute,
		Providers: func(_ context.Context, proxy string) ([]string, error) {
			asked = append(asked, proxy)
			return []string{"email", "sms", "google", "x"}, nil
		},
		LogIn: func(_ context.Context, provider, proxy string) (session.StoreResult, error) {
			return session.StoreResult{}, errors.New("the stand-in saw " + provider + " through " + proxy)
		},
	}
	cfg := testConfig(m)
	cfg.Clock, cfg.Login = time.Now, login
	tm := loaded(t, cfg, 100, 30)
	tm, cmd := press(t, tm, "l", "right", "right", "right")
	tm = drain(t, tm, cmd)
	s := screen(tm)
	if !strings.Contains(s, "social login") || !strings.Contains(s, "This app enables google, x.") || len(asked) != 1 || asked[0] != "cfg" {
		t.Fatalf("asked %v:\n%s", asked, s)
	}
	tm, _ = press(t, tm, "tab")
	for range len("google") {
		tm, _ = press(t, tm, "backspace")
	}
	tm = typeText(t, tm, "facebook")
	tm, _ = press(t, tm, "enter")
	if s := screen(tm); !strings.Contains(s, "This app does not enable facebook; it enables google, x.") {
		t.Fatalf("another provider:\n%s", s)
	}
	for range len("facebook") {
		tm, _ = press(t, tm, "backspace")
	}
	tm = typeText(t, tm, "x")
	tm, cmd = press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	if s := screen(tm); !strings.Contains(s, "the stand-in saw x through cfg") {
		t.Fatalf("the login:\n%s", s)
	}
}
