// Command tkauth manages the Turnkey login sessions held on this machine:
// it lists them, switches the active one and logs out, deleting each
// session's key pair from the OS keyring unless another session uses it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitNotFound = 3
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// IOStreams are the command's standard streams, passed in so that tests
// can capture them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// run executes tkauth with args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ios := &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}
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
}

// Manager opens the store and key stores the flags select. A note on how
// the key store was chosen is printed to stderr.
func (f *Factory) Manager(ctx context.Context) (*session.Manager, *store.File, error) {
	dir := f.Home
	if dir == "" {
		var err error
		if dir, err = store.DefaultDir(); err != nil {
			return nil, nil, err
		}
	}
	ks, err := store.OpenKeyStores(ctx, f.Keyring, dir, f.KeyringService, f.KeyringTimeout)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if ks.Note != "" {
		fmt.Fprintf(f.IO.ErrOut, "tkauth: warning: %s\n", ks.Note)
	}
	st := store.NewFile(dir)
	return session.NewManager(st, ks.Keys, ks.Others...), st, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newRootCmd(ios *IOStreams) *cobra.Command {
	f := &Factory{IO: ios, KeyringService: store.SystemService}
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
			return listRun(cmd.Context(), &ListOptions{Factory: f})
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&f.Home, "home", os.Getenv("TKAUTH_HOME"), "store directory (env TKAUTH_HOME; default: the user config directory/tkauth)")
	pf.StringVar(&f.Keyring, "keyring", envOr("TKAUTH_KEYRING", store.KeyringAuto), "where private keys go: auto, system or file (env TKAUTH_KEYRING)")
	pf.DurationVar(&f.KeyringTimeout, "keyring-timeout", store.DefaultKeyringTimeout, "how long to wait for the system keyring on each call")

	root.AddCommand(newCmdList(f, nil), newCmdDemo(f, nil))
	return root
}
