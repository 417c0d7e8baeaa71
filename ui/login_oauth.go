package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// Social login in the form (l, method "social login"): the providers the
// Auth Proxy configuration enables are asked for when the method is
// chosen, and offered; enter opens the browser and waits for it.

// SocialLogin is how the form logs in with a social login; nil turns the
// method off.
type SocialLogin struct {
	// Providers are those the Auth Proxy configuration proxy enables.
	Providers func(ctx context.Context, proxy string) ([]string, error)
	// LogIn logs in with provider through the configuration proxy: the
	// browser opened, its answer awaited at most Wait.
	LogIn func(ctx context.Context, provider, proxy string) (session.StoreResult, error)
	Wait  time.Duration
}

// socialState is what the form knows of the configuration's providers.
type socialState struct {
	proxy     string   // the configuration they are for
	providers []string // enabled, social logins only
	err       string
}

// providersMsg answers which providers a configuration enables.
type providersMsg struct {
	proxy     string
	providers []string
	err       error
}

// socialProviders are the social logins, as configurations name them.
var socialProviders = []string{"google", "apple", "facebook", "x", "discord"}

// askProviders asks, when the social method is shown with a configuration
// not asked about yet, which providers it enables.
func (f *loginForm) askProviders() tea.Cmd {
	s := f.l.Social
	proxy := strings.TrimSpace(f.inputs[1].Value())
	if f.method != bySocial || s == nil || proxy == "" || proxy == f.social.proxy {
		return nil
	}
	f.social = socialState{proxy: proxy}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), loginTimeout)
		defer cancel()
		p, err := s.Providers(ctx, proxy)
		return providersMsg{proxy, p, err}
	}
}

// gotProviders keeps the social logins a configuration enables, and
// offers the first when none is typed.
func (f *loginForm) gotProviders(msg providersMsg) {
	if msg.proxy != f.social.proxy {
		return
	}
	if msg.err != nil {
		f.social.err = describe(msg.err)
		return
	}
	f.social.providers = nil
	for _, p := range msg.providers {
		if slices.Contains(socialProviders, p) {
			f.social.providers = append(f.social.providers, p)
		}
	}
	if f.method == bySocial && f.value(0) == "" && len(f.social.providers) > 0 {
		f.inputs[0].SetValue(f.social.providers[0])
	}
}

// socialHint says what the configuration enables, and what enter does.
func (f loginForm) socialHint() string {
	switch {
	case f.l.Social == nil:
		return "Social login is not available here."
	case f.social.err != "":
		return escape.Clean(f.social.err)
	case f.social.proxy == "":
		return "Type the Auth Proxy config ID: the providers it enables are offered."
	case f.social.providers == nil:
		return "Asking the Auth Proxy which providers it enables…"
	}
	return "This app enables " + strings.Join(f.social.providers, ", ") + ". Enter opens your browser at the provider; tkauth waits for it to come back to this machine."
}

// socialCmd is enter on the social method: the login, or why not.
func (f *loginForm) socialCmd() tea.Cmd {
	s, provider, proxy := f.l.Social, strings.ToLower(f.value(0)), f.value(1)
	if s == nil {
		f.err = "Social login is not available here."
		return nil
	}
	if f.social.providers != nil && !slices.Contains(f.social.providers, provider) {
		f.err = "This app does not enable " + escape.Clean(provider) + "; it enables " + strings.Join(f.social.providers, ", ") + "."
		return nil
	}
	urls, done := make(chan string, 1), make(chan struct{})
	f.authURL = ""
	f.ask(startMsg{busy: "Logging in with " + escape.Clean(provider) + ": waiting for the browser (" + s.Wait.String() + " at most)", run: func(ctx context.Context) tea.Msg {
		defer close(done)
		ctx, cancel := context.WithTimeout(ctx, s.Wait+loginTimeout)
		defer cancel()
		ctx = context.WithValue(ctx, authURLKey{}, func(u string) {
			select {
			case urls <- u:
			default: // one is on its way
			}
		})
		res, err := s.LogIn(ctx, provider, proxy)
		return loggedInMsg{res, err}
	}, cmd: func() tea.Msg {
		select {
		case u := <-urls:
			return authURLMsg{u}
		case <-done:
			return nil
		}
	}})
	return nil
}

// authURLKey keys, in the context SocialLogin.LogIn gets, what ShowAuthURL
// calls.
type authURLKey struct{}

// ShowAuthURL shows, in the form that waits for the browser, the address
// SocialLogin.LogIn opens the browser at, so that the user can open it
// where no browser opens (over SSH, without a display). It does nothing
// under a context the form did not give.
func ShowAuthURL(ctx context.Context, authURL string) {
	if show, ok := ctx.Value(authURLKey{}).(func(string)); ok {
		show(authURL)
	}
}

// authURLMsg is the address the browser is opened at.
type authURLMsg struct{ url string }

// authURLLines say, while the form waits for the browser, where it was
// opened.
func (f loginForm) authURLLines(w int) []string {
	if f.busy == "" || f.authURL == "" {
		return nil
	}
	lines := append([]string{""}, wrap(f.styles.Dim, "If no browser opened, open this address in one on this machine:", w)...)
	// Cut at the width, not at spaces: the address has none.
	for u := []rune(escape.Whole(f.authURL)); len(u) > 0; { // whole: a cut address is of no use
		n := min(len(u), max(w, 1))
		lines, u = append(lines, string(u[:n])), u[n:]
	}
	return lines
}
