package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// LogoutOptions holds what `tkauth logout` needs.
type LogoutOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	API     func() session.TurnkeyAPI
	Key     string
	All     bool
	Expired bool
	Yes     bool
	Revoke  bool
	Force   bool
}

func newCmdLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IO, Open: f.OpenPlain, API: f.API}
	cmd := &cobra.Command{
		Use:   "logout [KEY | --all | --expired]",
		Short: "Log out a session (the active one unless KEY is given) and delete its key pair",
		Long: `logout removes a session from this machine, as Turnkey's logout does: the one
stored under KEY, or else the active one. The active pointer is cleared if it
pointed there; no other session is promoted. The session's key pair is deleted
from its key store unless another stored session uses it, and a key pair tkauth
did not create is never touched. It does not call Turnkey's API.

With --revoke it first deletes the session's key on Turnkey (found with
get_api_keys for the session's user, deleted with delete_api_keys, both signed
by the session's own key pair), so that a stolen token and key stop working at
once, not at expiry. If that fails, the session is not logged out here either,
unless --force.

On a terminal it asks first unless --yes is given. Without a terminal, --all
needs --yes.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if (opts.Key != "" && (opts.All || opts.Expired)) || (opts.All && opts.Expired) {
				return usageError{errors.New("give one of KEY, --all or --expired")}
			}
			if opts.Revoke && (opts.All || opts.Expired) {
				return usageError{errors.New("--revoke logs out one session: name it, or leave it out for the active one")}
			}
			if opts.Force && !opts.Revoke {
				return usageError{errors.New("--force goes with --revoke")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.Open),
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "log out every session")
	cmd.Flags().BoolVar(&opts.Expired, "expired", false, "log out every expired session")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.Revoke, "revoke", false, "also delete the session's key on Turnkey first")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --revoke: log out here even if revoking fails")
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
	keys, err := session.Targets(st, session.Pick{Key: opts.Key, All: opts.All, Expired: opts.Expired}, env.Manager.Now())
	if err != nil {
		return withHint(err, "logout")
	}
	if len(keys) == 0 {
		fmt.Fprintln(ios.Out, "No expired sessions.")
		return nil
	}
	if !opts.Yes && ios.CanPrompt() {
		plan := describePlan(st, keys)
		if opts.Revoke {
			plan += "\nFirst it revokes the session's key on Turnkey."
		}
		fmt.Fprintln(ios.ErrOut, plan)
		ok, err := ios.confirm("Log out?")
		if err != nil {
			return err
		}
		if !ok {
			return errDeclined
		}
	}
	var res session.LogoutResult
	if opts.Revoke {
		res, err = env.Manager.RevokeAndLogout(ctx, opts.API(), opts.Force, keys...)
		describeRevocations(ios, res.Revoked, opts.Force)
		var re *session.RevokeError
		if errors.As(err, &re) {
			err = fmt.Errorf("revoking %s on Turnkey failed, so it was not logged out here either (--force logs out here anyway): %w", text.Clean(re.Key), re.Err)
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

// describePlan says what logging out keys will remove and keep.
func describePlan(st *session.State, keys []string) string {
	var b strings.Builder
	if len(keys) == 1 {
		fmt.Fprintf(&b, "This logs out %s", text.Clean(keys[0]))
		if keys[0] == st.Active {
			b.WriteString(" (the active session)")
		}
		b.WriteString(".\n")
	} else {
		const most = 5
		names := text.Clean(strings.Join(keys[:min(most, len(keys))], ", "))
		if len(keys) > most {
			names += fmt.Sprintf(" and %d more", len(keys)-most)
		}
		fmt.Fprintf(&b, "This logs out %d sessions: %s.\n", len(keys), names)
	}
	b.WriteString(strings.Join(text.PlanLines(session.PlanLogout(st, keys), st.KeyPairs), "\n"))
	return strings.TrimSuffix(b.String(), "\n")
}

// describeRevocations says what revoking each session's key on Turnkey
// came to. A failure that kept its session (not forced) is left to the
// command's error.
func describeRevocations(ios *IOStreams, revoked []session.Revocation, forced bool) {
	for _, r := range revoked {
		key := text.Clean(r.Key)
		switch {
		case r.AlreadyGone:
			fmt.Fprintf(ios.Out, "Turnkey has no key for %s any more (revoked already, or expired).\n", key)
		case r.Err == nil:
			fmt.Fprintf(ios.Out, "Revoked %s's key on Turnkey: the token no longer works.\n", key)
		case forced:
			ios.warn("revoking %s on Turnkey failed (%v); logging out here anyway (--force): the token works until it expires", key, r.Err)
		}
	}
}
