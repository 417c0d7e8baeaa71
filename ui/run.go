package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// Config is what the TUI is shown over.
type Config struct {
	Sessions  Sessions
	StorePath string // the session file, shown and watched; its directory exists
	// Shell is the session TKAUTH_SESSION selects for the shell the TUI
	// runs in, if any: the header names it, since commands run there use
	// it rather than the active one.
	Shell    string
	KeyStore string // name of the key store in use
	Note     string // how the key store was chosen, when the user must know
	// KeyStoreReady, if set, chooses the key store after the first frame
	// (KeyStore is then empty): a frozen keyring takes its whole timeout.
	KeyStoreReady func(ctx context.Context) (name, note string)
	Clock         func() time.Time
	Watch         bool             // reload when the store changes on disk
	Servers       *session.Servers // where R, c and revoking go; nil in the demo
	// Demo says the store is the demo's: the empty state does not offer
	// the demo.
	Demo bool
	// AutoRefresh refreshes the active session, and only it, in its last
	// minute, as Turnkey's React kit does.
	AutoRefresh bool
	// Login, if set, logs in (l).
	Login *Login
	// Remote, if set, shows and ends a user's sessions on Turnkey (s).
	Remote *Remote
	// MFA, if set, says when an action waits for MFA factors.
	MFA <-chan MFAWaiting
	// Guide, if set, is what the help (?) shows first, whole: how to use
	// this store, and its stand-in, from here and from another shell (the
	// demo's). A line starting "$ " is a shell command, broken only
	// between its words, each break escaped, so that pasting it works.
	Guide []string
	// ProcessGone, if set, says whether a process has ended: the header
	// then names the sessions `tkauth exec --login` made for a command in
	// a process gone without ending them, as the command line does.
	ProcessGone func(pid int) bool
}

// Run shows the TUI until the user quits or ctx ends. It draws up to 120
// frames a second: most of a first frame is otherwise the wait for the
// renderer's next tick.
func Run(ctx context.Context, cfg Config) error {
	_, err := tea.NewProgram(New(cfg), tea.WithContext(ctx), tea.WithFPS(120)).Run()
	return err
}
