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
	API     func() session.TurnkeyAPI
	Key     string
	Expires time.Duration
}

func newCmdRefresh(f *Factory, runF func(context.Context, *RefreshOptions) error) *cobra.Command {
	opts := &RefreshOptions{IO: f.IO, Open: f.OpenPlain, API: f.API}
	var seconds int
	cmd := &cobra.Command{
		Use:   "refresh [KEY]",
		Short: "Renew a session (the active one unless KEY is given) before it expires",
		Long: `refresh does what Turnkey's refreshSession does: a new key pair, a stamp_login
signed by the session's own key pair, the new session stored under the same key
(and made active), the old key pair deleted if nothing else uses it. If it
fails, the new key pair is deleted and the session stays as it was.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			opts.Expires = time.Duration(seconds) * time.Second
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return refreshRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.Open),
	}
	cmd.Flags().IntVar(&seconds, "expires", int(session.DefaultLifetime/time.Second), "the new session's lifetime in seconds")
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
	res, err := env.Manager.Refresh(ctx, opts.API(), key, opts.Expires)
	switch {
	case errors.Is(err, session.ErrChanged):
		return fmt.Errorf("refresh failed: %w", err) // the error says what is stored
	case err != nil:
		return withHint(fmt.Errorf("refresh failed (the session is as it was): %w", err), "refresh")
	}
	defer opts.IO.leftover(res.Leftover)
	fmt.Fprintf(opts.IO.Out, "Refreshed %s (now active): %s.\n", text.Clean(key), text.Expiry(env.Manager.Now(), res.Session.Expiry))
	return nil
}
