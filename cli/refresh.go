package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// RefreshOptions holds what `tkauth refresh` needs.
type RefreshOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string
	Expires time.Duration // 0: the session's own lifetime
	MFA     mfaOptions    // --wait, --mfa
	By      signWith      // --api-key, --api-key-file
}

func newCmdRefresh(f *Factory) *cobra.Command {
	opts := &RefreshOptions{IO: f.IO, Open: f.OpenForNewKeys}
	opts.Servers = f.dialer(&opts.MFA).Servers
	cmd := &cobra.Command{
		Use:   "refresh [KEY]",
		Short: "Renew a session (the active one unless KEY is given) before it expires",
		Long: `refresh does what Turnkey's refreshSession does: a new key pair, a stamp_login
signed by the session's own key pair, for as long as the session had when it
was stored (unless --expires) and in its session profile if it has one, the
new session stored under the same key, the old key pair deleted if nothing else
uses it. It changes the token and nothing else: the active session stays as it
is, and a session Turnkey issues for another user or organization, or with
another scope, is refused. Then the old key is deleted on Turnkey too, so that
the session has one live key (unless other sessions share it).

The request goes to the API the session was logged in with; --api-url naming
another is refused unless --force. If the refresh fails, the new key pair is
deleted and the session stays as it was. When the organization asks for more
authentication factors (MFA), --mfa FACTOR proves them as login's does, and
tkauth waits --wait for the rest.

A session whose scope (its session profile) does not allow it to refresh
itself is refreshed with --api-key NAME or --api-key-file FILE: the user's
long-lived API key signs the stamp_login, in the same profile, and deletes the
old key.`,
		Args: optionalKey("the session to refresh; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			return refreshRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().Var(lifetimeValue{&opts.Expires}, "expires", "the new session's lifetime: 10m, 1h, 7d or seconds, up to a year (default: the session's own)")
	deprecatedForce(cmd, f)
	mfaFlag(cmd, f.IO, &opts.MFA)
	opts.By.addFlags(cmd, f, "the refresh")
	return cmd
}

func refreshRun(ctx context.Context, opts *RefreshOptions) error {
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	key, err := keyOrActive(st, opts.Key, "refresh")
	if err != nil {
		return err
	}
	sv, err := opts.Servers()
	if err != nil {
		return err
	}
	by, err := opts.By.signer(ctx)
	if err != nil {
		return err
	}
	res, err := env.Manager.Refresh(ctx, sv, key, opts.Expires, by)
	switch {
	case errors.Is(err, session.ErrChanged):
		return fmt.Errorf("refresh failed: %w", err) // the error says what is stored
	case errors.Is(err, session.ErrSignerDead):
		return fmt.Errorf("refresh failed (the session is as it was, and dead on Turnkey): %w; `tkauth login` makes a new one", err)
	case err != nil:
		return withHint(fmt.Errorf("refresh failed (the session is as it was): %w", err), "refresh")
	}
	defer opts.IO.leftover(res.Leftover)
	fmt.Fprintln(opts.IO.Out, text.Refreshed(res.Session, env.Manager.Now()))
	if res.OldKeyRevoked != nil {
		opts.IO.warn("%s", text.OldKeyLeft(explain(res.OldKeyRevoked)))
	}
	return nil
}
