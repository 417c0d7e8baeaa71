package cli

import (
	"context"
	"os"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// TUIOptions holds what the TUI (tkauth with no command, on a terminal)
// needs.
type TUIOptions struct {
	Open    func(context.Context) (*Env, func(context.Context) (name, note string), error)
	Servers func() (session.Servers, error)
	// AutoRefresh: refresh the active session in its last minute.
	AutoRefresh bool
	// LoginURL is where the TUI's logins go, with API keys LoadAPIKey
	// finds.
	LoginURL   func() (string, error)
	LoadAPIKey apiKeyLoader
}

// tuiRun opens the TUI over the store the flags select.
func tuiRun(ctx context.Context, opts *TUIOptions) error {
	env, ready, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	if err := env.Store.MakeDir(); err != nil {
		return err
	}
	sv, err := opts.Servers()
	if err != nil {
		return err
	}
	u, err := opts.LoginURL()
	if err != nil {
		return err
	}
	return ui.Run(underTUI(ctx), tuiConfig(tuiParts{
		Manager: env.Manager, StorePath: env.Store.Path(), KeyStore: env.KeyStore, Note: env.Note, KeyStoreReady: ready,
		Shell: shellSession(), AutoRefresh: opts.AutoRefresh,
		Servers: &sv, LoginURL: u, LoadAPIKey: opts.LoadAPIKey,
		AuthProxyURL: envOr(authProxyURLEnv, turnkey.DefaultAuthProxyURL), AuthProxyID: os.Getenv(authProxyEnv), APIKey: turnkey.DefaultKeyName,
	}))
}

// tuiParts is what a command opened for the TUI: `tkauth` the user's
// store, `tkauth demo` its own.
type tuiParts struct {
	Manager                   *session.Manager
	StorePath, KeyStore, Note string
	KeyStoreReady             func(ctx context.Context) (name, note string)
	Shell                     string // the session TKAUTH_SESSION selects
	AutoRefresh, Demo         bool
	// Servers is where sessions' requests go, dialled with the TUI's own
	// clients; nil: there is no API (the demo without --api), and R, c,
	// l, s and revoking are off.
	Servers *session.Servers
	// LoginURL is where logins go, with API keys LoadAPIKey finds; codes
	// go through the Auth Proxy at AuthProxyURL. The login form starts
	// with AuthProxyID and APIKey.
	LoginURL                          string
	LoadAPIKey                        apiKeyLoader
	AuthProxyURL, AuthProxyID, APIKey string
	Trust                             *turnkey.Anchors // the demo's stand-in, if set
	ProviderURL                       string           // the demo's stand-in provider, if set
	Guide                             []string         // the help shows it first (ui.Config.Guide)
}

// tuiConfig assembles the TUI over what the command opened: the one
// assembly `tkauth` and `tkauth demo` share. Every client it makes waits
// for MFA factors and says so in the status line; nothing asks or draws
// on the terminal under the TUI.
func tuiConfig(p tuiParts) ui.Config {
	cfg := ui.Config{Sessions: p.Manager, StorePath: p.StorePath, Shell: p.Shell, KeyStore: p.KeyStore, Note: p.Note,
		KeyStoreReady: p.KeyStoreReady, Watch: true, Demo: p.Demo, AutoRefresh: p.AutoRefresh, Guide: p.Guide, ProcessGone: processGone}
	if p.Servers == nil {
		return cfg
	}
	sv := *p.Servers
	sv.Confirm = nil // no question on stderr under the TUI: --other-api says it
	waits := make(chan ui.MFAWaiting, 1)
	sv.Dial = func(base string) session.TurnkeyAPI { return tuiClient(base, waits, p) } // nor a spinner
	cfg.Servers, cfg.MFA = &sv, waits
	cfg.Remote = tuiRemote(p.Manager, sv)
	c := tuiClient(p.LoginURL, waits, p)
	cfg.Login = tuiLogin(p.Manager, c, p.LoadAPIKey, p.AuthProxyURL, p.AuthProxyID, p.APIKey, p.Trust)
	cfg.Login.Social = tuiSocial(p.Manager, c, p.AuthProxyURL, p.ProviderURL, turnkey.DefaultRedirectPort, p.Trust)
	return cfg
}

// underTUI is ctx for what runs while the TUI owns the screen: a keyring's
// prompt is not said on stderr, which would draw over the TUI; a prompt
// nobody answers fails in words that say what it asked, in the status
// line.
func underTUI(ctx context.Context) context.Context { return store.WithPromptNotice(ctx, nil) }
