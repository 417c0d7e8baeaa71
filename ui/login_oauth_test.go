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

// collect runs cmd and what it batches on their own goroutines, as the
// program does, each message on the channel.
func collect(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				collect(c, out)
			}
			return
		}
		out <- msg
	}()
}

// next is the first message on ch that keep keeps.
func next(t *testing.T, ch <-chan tea.Msg, keep func(tea.Msg) bool) tea.Msg {
	t.Helper()
	for {
		select {
		case msg := <-ch:
			if keep(msg) {
				return msg
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no such message came")
			return nil
		}
	}
}

// While a social login waits for the browser, the form shows, escaped
// and whole (cut, it is of no use), the address the browser was opened at, so that it can be opened by
// hand where no browser opens; it goes with the login.
func TestSocialLoginShowsTheAddress(t *testing.T) {
	m, login := codeLoginAt(t)
	addr := "https://provider.example/auth?client_id=tkauth&nonce=" + strings.Repeat("9", 300) + "&state=abc\x1b[2J"
	login.Social = &SocialLogin{
		Wait:      5 * time.Minute,
		Providers: func(context.Context, string) ([]string, error) { return []string{"google"}, nil },
		LogIn: func(ctx context.Context, _, _ string) (session.StoreResult, error) {
			ShowAuthURL(ctx, addr)
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
	msgs := make(chan tea.Msg, 8)
	collect(cmd, msgs)
	tm = feed(t, tm, next(t, msgs, func(msg tea.Msg) bool { _, ok := msg.(authURLMsg); return ok }))
	flat := strings.Join(strings.Fields(strings.ReplaceAll(screen(tm), "│", "")), "")
	if !strings.Contains(flat, "Ifnobrowseropened,openthisaddress") || !strings.Contains(flat, `https://provider.example/auth?client_id=tkauth&nonce=`+strings.Repeat("9", 300)+`&state=abc\x1b[2J`) {
		t.Fatalf("while it waits:\n%s", screen(tm))
	}
	tm, _ = press(t, tm, "esc")
	tm = feed(t, tm, next(t, msgs, func(msg tea.Msg) bool { _, ok := msg.(loggedInMsg); return ok }))
	if s := screen(tm); strings.Contains(s, "provider.example") {
		t.Errorf("after it:\n%s", s)
	}
}
