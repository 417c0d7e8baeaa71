// Command tkauth manages the Turnkey login sessions held on this machine:
// it lists them, switches the active one and logs out, deleting each
// session's key pair from the OS keyring unless another session uses it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitNotFound = 3
)

func main() {
	ios := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		IsTerminal:    term.IsTerminal(os.Stdout.Fd()),
		StdinTerminal: term.IsTerminal(os.Stdin.Fd()),
	}
	os.Exit(run(os.Args[1:], ios))
}

// run executes tkauth with args and returns the exit code.
func run(args []string, ios *IOStreams) int {
	stdin, stdout, stderr := ios.In, ios.Out, ios.ErrOut
	root := newRootCmd(ios)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "tkauth: %v\n", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrNoActiveSession):
		return exitNotFound
	}
	return exitFailure
}

// usageError marks a mistake in how tkauth was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// usageArgs wraps a cobra argument check so that its error is a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// Factory holds the global flags and opens what commands need from them.
type Factory struct {
	IO             *IOStreams
	Home           string
	Keyring        string
	KeyringTimeout time.Duration
	// KeyringService is the system keyring's service name (tests change it).
	KeyringService string
	// APIURL is Turnkey's API base URL.
	APIURL string
	// AutoRefresh: the TUI refreshes the active session before it expires.
	AutoRefresh bool
}

// API is a client of Turnkey's API at the URL the flags select.
func (f *Factory) API() *turnkey.Client { return turnkey.New(f.APIURL) }

// Env is what the global flags select: the store, its Manager, and the key
// store new key pairs go to.
type Env struct {
	Manager  *session.Manager
	Store    *store.File
	KeyStore string
	// Note says why the key store is not the one asked for; the user must
	// see it.
	Note string
}

// Open opens the store and key stores the flags select.
func (f *Factory) Open(ctx context.Context) (*Env, error) {
	dir, err := store.ResolveDir(f.Home)
	if err != nil {
		return nil, err
	}
	ks, err := store.OpenKeyStores(ctx, f.Keyring, dir, f.KeyringService, f.KeyringTimeout)
	if err != nil {
		return nil, usageError{err}
	}
	st := store.NewFile(dir)
	return &Env{Manager: session.NewManager(st, ks.Keys, ks.Others...), Store: st, KeyStore: ks.Keys.Name(), Note: ks.Note}, nil
}

// OpenState is OpenPlain, and the store's state as it is now.
func (f *Factory) OpenState(ctx context.Context) (*Env, *session.State, error) {
	env, err := f.OpenPlain(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := env.Manager.State(ctx)
	if err != nil {
		return nil, nil, err
	}
	return env, st, nil
}

// OpenPlain is Open for a plain command: the note goes to stderr.
func (f *Factory) OpenPlain(ctx context.Context) (*Env, error) {
	env, err := f.Open(ctx)
	if err == nil && env.Note != "" {
		fmt.Fprintf(f.IO.ErrOut, "tkauth: warning: %s\n", env.Note)
	}
	return env, err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newRootCmd(ios *IOStreams) *cobra.Command {
	// TKAUTH_KEYRING_SERVICE is for tests: it keeps their keyring items
	// apart from the user's.
	f := &Factory{IO: ios, KeyringService: envOr("TKAUTH_KEYRING_SERVICE", store.SystemService)}
	root := &cobra.Command{
		Use:   "tkauth",
		Short: "Manage the Turnkey sessions held on this machine",
		Long: `tkauth lists the Turnkey sessions stored on this machine, marks the active one,
and logs sessions out, deleting their key pairs from the OS keyring unless
another session still uses them.

Try it safely first: tkauth demo`,
		Args:          usageArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !ios.IsTerminal {
				return listRun(cmd.Context(), &ListOptions{Factory: f})
			}
			return tuiRun(cmd.Context(), f)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.Flags().BoolVar(&f.AutoRefresh, "auto-refresh", false, "in the TUI, refresh the active session in its last minute")
	pf := root.PersistentFlags()
	pf.StringVar(&f.Home, "home", "", "store directory (env "+store.HomeEnv+"; default: the user config directory/tkauth)")
	pf.StringVar(&f.Keyring, "keyring", envOr("TKAUTH_KEYRING", store.KeyringAuto), "where private keys go: auto, system or file (env TKAUTH_KEYRING)")
	pf.DurationVar(&f.KeyringTimeout, "keyring-timeout", store.DefaultKeyringTimeout, "how long to wait for the system keyring on each call")
	pf.StringVar(&f.APIURL, "api-url", envOr("TURNKEY_API_BASE_URL", turnkey.DefaultBaseURL), "Turnkey's API (env TURNKEY_API_BASE_URL)")

	root.AddCommand(
		newCmdList(f, nil), newCmdAdd(f, nil), newCmdSwitch(f, nil), newCmdLogout(f, nil),
		newCmdShow(f, nil), newCmdKeys(f), newCmdDemo(f, nil), newCmdVersion(f),
		newCmdLogin(f, nil), newCmdRefresh(f, nil),
	)
	return root
}

// tuiRun opens the TUI over the store the flags select.
func tuiRun(ctx context.Context, f *Factory) error {
	env, err := f.Open(ctx)
	if err != nil {
		return err
	}
	if err := env.Store.MakeDir(); err != nil {
		return err
	}
	return ui.Run(ctx, ui.Config{Sessions: env.Manager, StorePath: env.Store.Path(), KeyStore: env.KeyStore, Note: env.Note, Watch: true,
		API: f.API(), AutoRefresh: f.AutoRefresh})
}
