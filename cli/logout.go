package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// LogoutOptions holds what `tkauth logout` needs.
type LogoutOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	// Pick lets the user choose the session on a terminal when none is
	// named or active; "" is cancelled.
	Pick    pickFunc
	Key     string
	All     bool
	Expired bool
	Yes     bool
	Revoke  bool
	Force   bool
	// UseAPIKey: with Revoke, sign the revocations with the user's
	// long-lived API key (APIKeyFile, or APIKey in Turnkey's CLI key
	// directory) instead of each session's own key.
	UseAPIKey          bool
	APIKey, APIKeyFile string
	LoadAPIKey         apiKeyLoader
}

func newCmdLogout(f *Factory) *cobra.Command {
	opts := &LogoutOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers, Pick: ui.Pick, LoadAPIKey: f.loadAPIKey}
	cmd := &cobra.Command{
		Use:   "logout [KEY | --all | --expired]",
		Short: "Log out a session (the active one unless KEY is given) and delete its key pair",
		Long: `logout removes a session from this machine, as Turnkey's logout does: the one
stored under KEY, or else the active one. The active pointer is cleared if it
pointed there; no other session is promoted. The session's key pair is deleted
from its key store unless another stored session uses it, and a key pair tkauth
did not create is never touched. It does not call Turnkey's API.

With --revoke it first deletes the session's key on Turnkey (found with
get_api_keys for the session's user, deleted with delete_api_keys), so that a
stolen token and key stop working at once, not at expiry. The requests are
signed by the session's own key pair, or, with --api-key NAME or
--api-key-file FILE, by your long-lived API key (as login takes it). A key
Turnkey no longer has (the session expired, was revoked elsewhere, or a later
login invalidated it) counts as revoked already: Turnkey refuses a dead key at
authentication, so it cannot sign its own revocation, and need not. Revoking
a key pair ends every session on it, so those are named and logged out too.
If revoking fails, the session is not logged out here either, unless --force.
Each request goes to the API the session was logged in with; --force also
sends it to --api-url when that names another.

On a terminal it asks first unless --yes is given, and with no KEY and no
active session it lets you pick the session. Without a terminal, --all needs
--yes.`,
		Args: optionalKey("the session to log out; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if opts.Key != "" && (opts.All || opts.Expired) {
				return usageError{errors.New("give one of KEY, --all or --expired")} // the flags exclude each other
			}
			if opts.Force && !opts.Revoke {
				return usageError{errors.New("--force goes with --revoke")}
			}
			opts.UseAPIKey = opts.APIKeyFile != "" || cmd.Flags().Changed("api-key")
			if opts.UseAPIKey && !opts.Revoke {
				return usageError{errors.New("--api-key and --api-key-file go with --revoke: they sign the revocations")}
			}
			return logoutRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "log out every session")
	cmd.Flags().BoolVar(&opts.Expired, "expired", false, "log out every expired session")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.Revoke, "revoke", false, "also delete the session's key on Turnkey first")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --revoke: log out here even if revoking fails")
	cmd.Flags().StringVar(&opts.APIKey, "api-key", turnkey.DefaultKeyName, "with --revoke: sign with this API key of Turnkey's CLI key directory")
	cmd.Flags().StringVar(&opts.APIKeyFile, "api-key-file", "", "with --revoke: sign with the API key in this file (tkcli's format)")
	cmd.MarkFlagsMutuallyExclusive("all", "expired")
	cmd.MarkFlagsMutuallyExclusive("api-key", "api-key-file")
	cmd.RegisterFlagCompletionFunc("api-key", f.completeAPIKeyNames)
	return cmd
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	ios := opts.IO
	if opts.All && !opts.Yes && !ios.CanPrompt() {
		return usageError{errors.New("logout --all needs --yes when no one is at a terminal to confirm")}
	}
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	pick := session.Pick{Key: opts.Key, All: opts.All, Expired: opts.Expired}
	if pick == (session.Pick{}) {
		if pick.Key, err = selectedSession("logout"); err != nil { // this shell's session stands in for the active one
			return err
		}
	}
	now := env.Manager.Now()
	keys, err := session.Targets(st, pick, now)
	if errors.Is(err, session.ErrNoActiveSession) && ios.CanPrompt() && len(st.Sessions) > 0 {
		if pick.Key, err = opts.Pick(ctx, st, now, "log out"); err != nil {
			return err
		}
		if pick.Key == "" {
			return errDeclined
		}
		keys, err = session.Targets(st, pick, now)
	}
	if err != nil {
		return withHint(err, "logout")
	}
	if len(keys) == 0 { // nothing to do is done, for a cleanup script
		if opts.All {
			fmt.Fprintln(ios.Out, "No sessions to log out.")
		} else {
			fmt.Fprintln(ios.Out, "No expired sessions.")
		}
		return nil
	}
	var by session.Signer // nil: each session's own key signs its revocation
	var sv session.Servers
	if opts.Revoke {
		if opts.UseAPIKey {
			if by, err = opts.LoadAPIKey(ctx, opts.APIKey, opts.APIKeyFile); err != nil {
				return err
			}
		}
		if sv, err = opts.Servers(); err != nil {
			return err
		}
	}
	if !opts.Yes && ios.CanPrompt() {
		q := text.LogoutQuestion(st, keys, pick, now)
		if opts.Revoke {
			q.Lines = append(q.Lines, revokeLines(st, keys, by)...)
		} else if line := text.NotRevoking(st, keys, now); line != "" {
			q.Lines = append(q.Lines, line+" (--revoke revokes on Turnkey first.)")
		}
		if err := ios.ask(q); err != nil {
			return err
		}
	}
	var res session.LogoutResult
	if opts.Revoke {
		res, err = env.Manager.RevokeAndLogout(ctx, sv, by, opts.Force, keys...)
		describeRevocations(ios, res.Revoked, opts.Force)
		var re *session.RevokeError
		if errors.As(err, &re) {
			err = fmt.Errorf("%w (--force logs out here anyway)", err)
		}
	} else {
		res, err = env.Manager.Logout(ctx, keys...)
	}
	if len(res.Sessions) > 0 {
		fmt.Fprintln(ios.Out, text.Logout(res))
	}
	if res.Unrecorded != nil {
		ios.warn("%v", res.Unrecorded)
	}
	return withHint(err, "logout")
}

// revokeLines say, for a confirmation, what revoking keys does on
// Turnkey first, and which other sessions it ends with them.
func revokeLines(st *session.State, keys []string, by session.Signer) []string {
	signer := "by each session's own key"
	if by != nil {
		signer = "by your API key " + session.Short(by.PublicKey())
	}
	lines := []string{"First it revokes on Turnkey the key of each, signed " + signer + "."}
	if more := text.RevokesMore(st, keys); more != "" {
		lines = append(lines, more)
	}
	return lines
}

// describeRevocations says what revoking each session's key on Turnkey
// came to. A failure that kept its session (not forced) is left to the
// command's error.
func describeRevocations(ios *IOStreams, revoked []session.Revocation, forced bool) {
	for _, r := range revoked {
		switch {
		case r.AlreadyGone, r.Err == nil:
			fmt.Fprintln(ios.Out, text.Revoked([]session.Revocation{r}))
		case forced:
			ios.warn("revoking %s on Turnkey failed (%s); logging out here anyway (--force): the token works until it expires", escape.Clean(r.Key), explain(r.Err))
		}
	}
}
